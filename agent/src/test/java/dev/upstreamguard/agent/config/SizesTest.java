package dev.upstreamguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Sizes as users write them: {@code 1MiB}, {@code 512KiB}, or bytes. */
class SizesTest {

    @ParameterizedTest(name = "\"{0}\" is {1} bytes")
    @CsvSource({
        "1MiB, 1048576",
        "512KiB, 524288",
        "2GiB, 2147483648",
        "65536, 65536",
        "0, 0",
        "'  4 kib ', 4096",
        "100b, 100",
        "1mib, 1048576"
    })
    void parsesEachUnit(String text, long bytes) {
        assertThat(Sizes.parseBytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "\"{0}\" is not a size")
    @ValueSource(
            strings = {"", " ", "MiB", "lots", "1.5MiB", "-1", "+1", "1MB", "1 megabyte", "1KiB2", "1000000000000"})
    void rejectsWhatIsNoSize(String text) {
        assertThat(Sizes.parseBytes(text)).isEqualTo(Sizes.INVALID);
    }

    @ParameterizedTest
    @NullSource
    void rejectsNull(String text) {
        assertThat(Sizes.parseBytes(text)).isEqualTo(Sizes.INVALID);
    }

    @ParameterizedTest(name = "{0} bytes is written \"{1}\"")
    @CsvSource({
        "0, 0",
        "1000, 1000",
        "1024, 1KiB",
        "1048576, 1MiB",
        "524288, 512KiB",
        "1073741824, 1GiB",
        "1049600, 1025KiB"
    })
    void formatsInTheLargestExactUnit(long bytes, String text) {
        assertThat(Sizes.format(bytes)).isEqualTo(text);
    }
}
