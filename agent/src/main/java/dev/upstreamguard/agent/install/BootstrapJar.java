package dev.upstreamguard.agent.install;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Copies the classes of {@code dev.upstreamguard.bootstrap} from the agent jar into a temporary jar and
 * appends it to the bootstrap class path, so that advice in any class loader can see them.
 */
public final class BootstrapJar {

    static final String PACKAGE_PATH = "dev/upstreamguard/bootstrap/";
    /** The one public class outside the bootstrap package that every class loader must see as one. */
    static final String UNAVAILABLE_PATH = "dev/upstreamguard/UpstreamUnavailableException.class";

    private BootstrapJar() {}

    public static void append(Instrumentation instrumentation) throws IOException, URISyntaxException {
        Path source = Paths.get(BootstrapJar.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path jar = Files.createTempFile("upstream-guard-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (Files.isDirectory(source)) {
                copyFromDirectory(source, out);
            } else {
                copyFromJar(source, out);
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    private static void copyFromJar(Path agentJar, JarOutputStream out) throws IOException {
        try (JarFile jar = new JarFile(agentJar.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if ((entry.getName().startsWith(PACKAGE_PATH) && entry.getName().endsWith(".class"))
                        || entry.getName().equals(UNAVAILABLE_PATH)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        add(out, entry.getName(), in);
                    }
                }
            }
        }
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
