package dev.upstreamguard.it.apps;

/**
 * An application that makes no outgoing call: prints the name of every live thread, one a line
 * ({@code thread=NAME}), then {@code done}.
 */
public final class IdleMain {

    private IdleMain() {}

    public static void main(String[] args) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            System.out.println("thread=" + thread.getName());
        }
        System.out.println("done");
    }
}
