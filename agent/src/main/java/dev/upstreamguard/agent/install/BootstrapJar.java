package dev.upstreamguard.agent.install;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Appends the classes of {@code dev.upstreamguard.bootstrap} to the bootstrap class path, so that advice
 * in any class loader can see them. The build puts them in a jar of their own inside the agent jar
 * ({@value #NESTED}); it is copied to a temporary file as it is. Run from a classes directory (the
 * agent's own tests), the jar is made from that directory.
 */
public final class BootstrapJar {

    static final String PACKAGE_PATH = "dev/upstreamguard/bootstrap/";
    /** The one public class outside the bootstrap package that every class loader must see as one. */
    static final String UNAVAILABLE_PATH = "dev/upstreamguard/UpstreamUnavailableException.class";
    /** The bootstrap jar inside the agent jar (see the agent's pom). */
    static final String NESTED = "upstream-guard-bootstrap/upstream-guard-agent-bootstrap.jar";

    private BootstrapJar() {}

    public static void append(Instrumentation instrumentation) throws IOException, URISyntaxException {
        Path jar = createTempJar(Paths.get(System.getProperty("java.io.tmpdir")));
        jar.toFile().deleteOnExit();
        try (InputStream nested = BootstrapJar.class.getClassLoader().getResourceAsStream(NESTED)) {
            if (nested != null) {
                try (OutputStream out = Files.newOutputStream(jar)) {
                    nested.transferTo(out);
                }
            } else {
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                    copyFromDirectory(classesDirectory(), out);
                }
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    /**
     * A new file only this user can read, made with {@code O_EXCL} (so never through a link someone else
     * planted). Not {@link Files#createTempFile}: its random name costs a {@code SecureRandom}, whose
     * seeding took about 24 ms of the agent's start-up; the process id and the clock make the name unique.
     */
    static Path createTempJar(Path directory) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        String prefix = "upstream-guard-bootstrap-" + ProcessHandle.current().pid() + '-';
        for (int tries = 0; tries < 3; tries++) {
            Path file = directory.resolve(prefix + Long.toHexString(System.nanoTime()) + ".jar");
            try {
                return posix
                        ? Files.createFile(
                                file,
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                        : Files.createFile(file);
            } catch (FileAlreadyExistsException taken) {
                // someone else's file of that name: another name
            }
        }
        return Files.createTempFile(directory, "upstream-guard-bootstrap-", ".jar");
    }

    private static Path classesDirectory() throws URISyntaxException {
        return Paths.get(BootstrapJar.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    private static void copyFromDirectory(Path classes, JarOutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(classes.resolve(UNAVAILABLE_PATH))) {
            add(out, UNAVAILABLE_PATH, in);
        }
        Path dir = classes.resolve(PACKAGE_PATH);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.toString().endsWith(".class")) {
                    try (InputStream in = Files.newInputStream(file)) {
                        add(out, PACKAGE_PATH + file.getFileName(), in);
                    }
                }
            }
        }
    }

    private static void add(JarOutputStream out, String name, InputStream in) throws IOException {
        out.putNextEntry(new JarEntry(name.replace(File.separatorChar, '/')));
        in.transferTo((OutputStream) out);
        out.closeEntry();
    }
}
