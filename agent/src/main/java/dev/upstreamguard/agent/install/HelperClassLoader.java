package dev.upstreamguard.agent.install;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.ProtectionDomain;

/**
 * Defines the classes of one instrumentation package (an adapter that implements a library's own
 * interfaces) beside a library's class loader: those classes are defined here from the agent jar's
 * bytes, the agent's own classes come from the agent's loader, and everything else is asked of the
 * library's loader first, then of the agent's. So an OkHttp {@code Interceptor} can implement the
 * application's OkHttp and call the engine directly. One per library class loader and adapter.
 */
final class HelperClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader library;
    private final ClassLoader agent;
    private final String packagePrefix;
    private final ProtectionDomain protectionDomain;

    /**
     * @param library       the loader of the library classes; null for the bootstrap loader
     * @param packageName   the instrumentation package whose classes are defined here
     */
    HelperClassLoader(ClassLoader library, ClassLoader agent, String packageName) {
        super(null);
        this.library = library;
        this.agent = agent;
        this.packagePrefix = packageName + '.';
        this.protectionDomain = HelperClassLoader.class.getProtectionDomain();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (name.startsWith(packagePrefix)) {
                    c = define(name);
                } else if (name.startsWith("dev.upstreamguard.")) {
                    c = agent.loadClass(name); // the engine, and the bridge through its parents
                } else {
                    c = libraryFirst(name);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Class<?> libraryFirst(String name) throws ClassNotFoundException {
        if (library != null) {
            try {
                return library.loadClass(name);
            } catch (ClassNotFoundException e) {
                // not the library's: the agent's loader (the JDK through it) may have it
            }
        }
        return agent.loadClass(name);
    }

    private Class<?> define(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = agent.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            byte[] b = bytes.toByteArray();
            return defineClass(name, b, 0, b.length, protectionDomain);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    @Override
    public String toString() {
        return "HelperClassLoader[" + packagePrefix + " beside " + library + "]";
    }
}
