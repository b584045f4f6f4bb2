package io.github.multiarch.junit.internal.remote;

import java.io.IOException;

/**
 * A connection's bytes are not a frame this side accepts (see {@link Wire}) (an unknown kind, a length beyond
 * {@link Wire#MAX_BYTES}, too many parameters): the stream cannot be trusted from there on, so
 * the connection is dropped, unlike at a plain end of the stream.
 *
 * @since 0.2.0
 */
public final class CorruptFrameException extends IOException {

    private static final long serialVersionUID = 1L;

    public CorruptFrameException(String message) {
        super(message);
    }
}
