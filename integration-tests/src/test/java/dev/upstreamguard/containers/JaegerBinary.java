package dev.upstreamguard.containers;

import dev.upstreamguard.testing.Jaeger;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The Jaeger binary for the Jaeger tests: under CI ({@code CI=true}) a missing one fails them. */
final class JaegerBinary {
    private JaegerBinary() {}

    /**
     * The binary {@code tools/jaeger/build.sh} built ({@link Jaeger#findBinary()}); without one, fails the
     * test under CI and skips it elsewhere, saying why in one line.
     */
    static Path require() {
        Path binary = Jaeger.findBinary().orElse(null);
        if (binary == null) {
            if (Jaeger.underCi()) {
                throw new AssertionError("CI=true and " + Jaeger.notFoundMessage());
            }
            System.out.println("Jaeger tests skipped: " + Jaeger.notFoundMessage());
            Assumptions.abort("skipped: " + Jaeger.notFoundMessage());
        }
        return binary;
    }
}
