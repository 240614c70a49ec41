package dev.upstreamguard.containers;

import java.net.URI;

/** The sample shop, running in some container as a child process of the test JVM. */
interface Shop extends AutoCloseable {

    /** Where the shop's context answers, e.g. {@code http://127.0.0.1:PORT/shop}. */
    URI base();

    /** What the process printed so far, for failure messages. */
    String output();

    /** Stops the process and its descendants. */
    @Override
    void close();
}
