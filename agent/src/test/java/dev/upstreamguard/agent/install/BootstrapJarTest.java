package dev.upstreamguard.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapJarTest {

    @Test
    void eachTemporaryJarIsANewEmptyFileOnlyItsOwnerMayRead(@TempDir Path dir) throws IOException {
        Path first = BootstrapJar.createTempJar(dir);
        Path second = BootstrapJar.createTempJar(dir);

        assertThat(first).isNotEqualTo(second).hasParent(dir).isEmptyFile();
        assertThat(second).isEmptyFile();
        assertThat(first.getFileName().toString())
                .startsWith(
                        "upstream-guard-bootstrap-" + ProcessHandle.current().pid() + '-')
                .endsWith(".jar");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first)))
                    .isEqualTo("rw-------");
        }
    }
}
