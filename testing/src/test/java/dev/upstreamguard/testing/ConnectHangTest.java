package dev.upstreamguard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectHangTest {

    @Test
    void connectTimesOut() {
        try (ConnectHang hang = ConnectHang.start()) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress("127.0.0.1", hang.port()), 300);
                        }
                    })
                    .isInstanceOf(SocketTimeoutException.class);

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
        }
    }

    @Test
    void jdkClientConnectTimesOut() {
        try (ConnectHang hang = ConnectHang.start()) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofMillis(300))
                    .build();
            HttpRequest request =
                    HttpRequest.newBuilder(URI.create(hang.url("/x"))).build();

            assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(HttpConnectTimeoutException.class);
            assertThat(hang.url("/x")).isEqualTo("http://127.0.0.1:" + hang.port() + "/x");
        }
    }
}
