package io.github.multiarch.junit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * The requests the {@link MatrixEngine} hands JUnit Jupiter's engine for one architecture's run:
 * the build's own, with one configuration parameter changed. They are made so that they work
 * with each JUnit line the extension supports (5.13, 5.14, 6.x), whose request types grew a
 * method or a parameter in each.
 *
 * @since 0.2.0
 */
final class MatrixRequests {

    private MatrixRequests() {
    }

    /**
     * The build's discovery request with {@code configuration} instead of its own parameters, and
     * no discovery listener: the build learns of the selectors and of any discovery issue from
     * Jupiter's own discovery of the same request, once, not once more per architecture.
     */
    static EngineDiscoveryRequest discovery(EngineDiscoveryRequest request, ConfigurationParameters configuration) {
        Class<?> type = request instanceof LauncherDiscoveryRequest ? LauncherDiscoveryRequest.class
                : EngineDiscoveryRequest.class;
        return (EngineDiscoveryRequest) Proxy.newProxyInstance(MatrixRequests.class.getClassLoader(),
                new Class<?>[] {type}, (proxy, method, args) -> switch (method.getName()) {
                    case "getConfigurationParameters" -> configuration;
                    case "getDiscoveryListener" -> LauncherDiscoveryListener.NOOP;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "the " + MatrixEngine.ID + " engine's copy of " + request;
                    default -> invoke(method, request, args);
                });
    }

    /**
     * The request Jupiter executes {@code root} (its tree of one architecture) with, reporting to
     * {@code listener}; the rest (the output directory, the launcher's store with the warm
     * runtimes, the cancellation token) is the build's request's. {@code ExecutionRequest.create}
     * took one more parameter in each JUnit line (5.13: an output directory provider and a store;
     * 5.14: an output directory creator instead; 6.0: a cancellation token), so the widest one this
     * JUnit has is called, each argument found by its type among the build request's getters.
     */
    static ExecutionRequest execution(ExecutionRequest request, TestDescriptor root, EngineExecutionListener listener,
                                      ConfigurationParameters configuration) {
        Method create = widestCreate();
        Class<?>[] types = create.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            if (types[i] == TestDescriptor.class) {
                args[i] = root;
            } else if (types[i] == EngineExecutionListener.class) {
                args[i] = listener;
            } else if (types[i] == ConfigurationParameters.class) {
                args[i] = configuration;
            } else {
                args[i] = invoke(getter(types[i]), request, new Object[0]);
            }
        }
        return (ExecutionRequest) invoke(create, null, args);
    }

    private static Method widestCreate() {
        return java.util.Arrays.stream(ExecutionRequest.class.getMethods())
                .filter(m -> m.getName().equals("create") && Modifier.isStatic(m.getModifiers()))
                .max(Comparator.comparingInt(Method::getParameterCount))
                .orElseThrow(() -> new JUnitException("This JUnit's ExecutionRequest has no create method"));
    }

    /** {@code ExecutionRequest}'s public getter of {@code type}. */
    private static Method getter(Class<?> type) {
        return java.util.Arrays.stream(ExecutionRequest.class.getMethods())
                .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
                        && m.getReturnType() == type)
                .findFirst()
                .orElseThrow(() -> new JUnitException("This JUnit's ExecutionRequest.create takes a " + type.getName()
                        + ", which its ExecutionRequest has no getter for: the " + MatrixEngine.ID + " engine of"
                        + " multiarch-junit does not know this JUnit version"));
    }

    private static Object invoke(Method method, Object target, Object[] args) {
        try {
            return method.invoke(target, args == null ? new Object[0] : args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new JUnitException(method + " failed", cause);
        } catch (IllegalAccessException e) {
            throw new JUnitException(method + " is not accessible", e);
        }
    }

    /**
     * The build's configuration parameters with one of them set to another value: what each
     * architecture's run reads ({@code multiarch.runsOn=s390x}).
     */
    static ConfigurationParameters with(ConfigurationParameters base, String key, String value) {
        return new ConfigurationParameters() {
            @Override
            public Optional<String> get(String k) {
                return k.equals(key) ? Optional.of(value) : base.get(k);
            }

            @Override
            public Optional<Boolean> getBoolean(String k) {
                return k.equals(key) ? Optional.of(Boolean.parseBoolean(value)) : base.getBoolean(k);
            }

            @Override
            public Set<String> keySet() {
                Set<String> keys = new LinkedHashSet<>(base.keySet());
                keys.add(key);
                return keys;
            }

            /** JUnit 5's {@code size()}, which JUnit 6 dropped. */
            @SuppressWarnings("unused")
            public int size() {
                return keySet().size();
            }

            @Override
            public String toString() {
                return key + "=" + value + " over " + base;
            }
        };
    }
}
