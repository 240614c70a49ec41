package dev.upstreamguard.testing;

/**
 * The child's side of {@link ChildJvmTest}. {@code exit CODE}: print and exit with CODE; {@code
 * serve}: print "ready" and sleep until killed; {@code spawn}: start a grandchild JVM in serve
 * mode, print "grandchild PID", then serve.
 */
public final class ChildJvmMain {

    private ChildJvmMain() {}

    public static void main(String[] args) throws Exception {
        if ("spawn".equals(args[0])) {
            Process grandchild = new ProcessBuilder(
                            ProcessHandle.current().info().command().orElseThrow(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            ChildJvmMain.class.getName(),
                            "serve")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            System.out.println("grandchild " + grandchild.pid());
        }
        System.out.println("hello stdout " + String.join(",", args));
        System.out.println("prop=" + System.getProperty("fixture.prop"));
        System.out.println("env=" + System.getenv("FIXTURE_ENV"));
        System.err.println("hello stderr");
        System.err.println("second stderr line");
        if (!"exit".equals(args[0])) {
            System.out.println("ready");
            Thread.sleep(Long.MAX_VALUE);
        }
        System.exit(Integer.parseInt(args[1]));
    }
}
