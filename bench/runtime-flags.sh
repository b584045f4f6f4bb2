# shellcheck shell=bash
# The runtime JVM's JIT flags, the same as the extension's JvmSetup.JIT_FLAGS (JvmSetupTest
# checks that they are): tiered, C2 held back to 10 times the JVM's tier-4 thresholds. The
# benchmarks' baselines ("JUnit alone in a warm s390x JVM", the QEMU versions) run with them.
# Sourced by bench/run.sh and bench/qemu-versions.sh.
RUNTIME_JIT_FLAGS=(-XX:TieredStopAtLevel=4 -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000
    -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000)
