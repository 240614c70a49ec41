package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hand-written JSON and HTML: escaping and which members appear. */
class ProblemResponseTest {
    private static final UpstreamFailure HOSTILE = new UpstreamFailure(
            UpstreamFailureKind.RESET,
            "inv\"ent\\ory\n</script><b>&'",
            "h\u00f6st\u2028:1\u0000",
            2,
            "java.net.SocketException");

    @Test
    void jsonEscapesEverythingThatCouldBreakOutOrConfuse() {
        String json = ProblemResponse.of(
                        502, HOSTILE, ExposeDependency.ADDRESS, "/a\"b\\c\r\n\t\u007f\ud83d\ude00", null)
                .toJson();

        assertThat(json)
                .isEqualTo("{\"type\":\"https://upstreamguard.dev/problems/upstream-failure\","
                        + "\"title\":\"Bad Gateway\",\"status\":502,"
                        + "\"detail\":\"An upstream service closed the connection before it answered.\","
                        + "\"instance\":\"/a\\\"b\\\\c\\r\\n\\t\\u007f\\ud83d\\ude00\","
                        + "\"failure\":\"reset\","
                        + "\"dependency\":\"inv\\\"ent\\\\ory\\n\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u0027\","
                        + "\"address\":\"h\\u00f6st\\u2028:1\\u0000\"}");
        assertThat(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
    }

    @Test
    void htmlEscapesEverything() {
        String html = ProblemResponse.of(
                        503, HOSTILE, ExposeDependency.ADDRESS, "/x", "0af7651916cd43dd8448eb211c80319c")
                .toHtml();

        assertThat(html)
                .contains("<title>503 Service Unavailable</title>", "<h1>503 Service Unavailable</h1>")
                .contains("<dd><code>inv&quot;ent\\ory&#xFFFD;&lt;/script&gt;&lt;b&gt;&amp;&#39;</code></dd>")
                .contains("<dd><code>h&#xF6;st&#x2028;:1&#xFFFD;</code></dd>")
                .contains("<dd><code>0af7651916cd43dd8448eb211c80319c</code></dd>")
                .doesNotContain("<b>", "</script>");
        assertThat(html.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f))
                .isTrue();
    }

    @Test
    void supplementaryCharactersBecomeOneHtmlReference() {
        assertThat(HtmlText.escape("a\ud83d\ude00b\ud800")).isEqualTo("a&#x1F600;b&#xFFFD;");
    }

    @Test
    void exposureDecidesWhichMembersAppear() {
        UpstreamFailure failure =
                new UpstreamFailure(UpstreamFailureKind.TIMEOUT, "pricing", "pricing.internal:9000", 3, null);

        assertThat(ProblemResponse.of(504, failure, ExposeDependency.NAME, "/p", "t")
                        .toJson())
                .endsWith("\"traceId\":\"t\",\"failure\":\"timeout\",\"dependency\":\"pricing\"}");
        assertThat(ProblemResponse.of(504, failure, ExposeDependency.ADDRESS, "/p", "t")
                        .toJson())
                .endsWith("\"failure\":\"timeout\",\"dependency\":\"pricing\",\"address\":\"pricing.internal:9000\"}");
        assertThat(ProblemResponse.of(504, failure, ExposeDependency.NONE, "/p", null)
                        .toJson())
                .endsWith("\"instance\":\"/p\",\"failure\":\"timeout\"}");
    }

    @Test
    void titleIsTheReasonPhraseOfTheStatus() {
        assertThat(ProblemResponse.title(502)).isEqualTo("Bad Gateway");
        assertThat(ProblemResponse.title(504)).isEqualTo("Gateway Timeout");
        assertThat(ProblemResponse.title(503)).isEqualTo("Service Unavailable");
        assertThat(ProblemResponse.title(599)).isEqualTo("Upstream Failure");
    }
}
