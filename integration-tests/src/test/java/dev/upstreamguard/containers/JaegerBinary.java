package dev.upstreamguard.containers;

import dev.upstreamguard.testing.Jaeger;
import java.nio.file.Path;

/** The Jaeger binary for the Jaeger tests: a missing one fails them, never skips them. */
final class JaegerBinary {
    private JaegerBinary() {}

    /**
     * The binary {@code tools/jaeger/build.sh} built ({@link Jaeger#findBinary()}); without one, fails the
     * test, saying in one line where it looked and how to build one ({@code .ci/run} does).
     */
    static Path require() {
        return Jaeger.findBinary().orElseThrow(() -> new AssertionError(Jaeger.notFoundMessage()));
    }
}
