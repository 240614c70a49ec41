package dev.upstreamguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials never reach a span: user info and signing query parameters are replaced. */
class UrlRedactorTest {

    @Test
    void urlWithoutCredentialsIsReturnedUnchanged() {
        String url = "https://api.example.com:8443/v1/items?page=2&sort=name#top";

        assertThat(UrlRedactor.redact(url)).isEqualTo(url);
    }

    @Test
    void urlWithoutQueryIsReturnedUnchanged() {
        assertThat(UrlRedactor.redact("http://inventory.internal:8080/items"))
                .isEqualTo("http://inventory.internal:8080/items");
    }

    @Test
    void nullStaysNull() {
        assertThat(UrlRedactor.redact(null)).isNull();
    }

    @Test
    void userAndPasswordAreReplaced() {
        assertThat(UrlRedactor.redact("https://alice:s3cret@api.example.com/v1"))
                .isEqualTo("https://REDACTED:REDACTED@api.example.com/v1");
    }

    @Test
    void userWithoutPasswordIsReplaced() {
        assertThat(UrlRedactor.redact("http://alice@api.example.com"))
                .isEqualTo("http://REDACTED:REDACTED@api.example.com");
    }

    @Test
    void passwordContainingAtSignIsReplacedWhole() {
        assertThat(UrlRedactor.redact("http://alice:p@ss@api.example.com/x"))
                .isEqualTo("http://REDACTED:REDACTED@api.example.com/x");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "AWSAccessKeyId",
                "Signature",
                "sig",
                "X-Goog-Signature",
                "X-Amz-Signature",
                "X-Amz-Credential",
                "X-Amz-Security-Token"
            })
    void signingParameterValueIsReplaced(String name) {
        assertThat(UrlRedactor.redact("https://bucket.s3.amazonaws.com/key?a=1&" + name + "=secret-value&b=2"))
                .isEqualTo("https://bucket.s3.amazonaws.com/key?a=1&" + name + "=REDACTED&b=2");
    }

    @Test
    void parameterNamesMatchIgnoringCaseAndKeepTheirSpelling() {
        assertThat(UrlRedactor.redact("https://h/p?x-amz-signature=abc&SIG=def"))
                .isEqualTo("https://h/p?x-amz-signature=REDACTED&SIG=REDACTED");
    }

    @Test
    void parametersThatMerelyResembleSigningOnesAreKept() {
        String url = "https://h/p?signature_version=4&design=blue&sigma=1&mysig=2";

        assertThat(UrlRedactor.redact(url)).isEqualTo(url);
    }

    @Test
    void firstParameterAndEmptyValuesAreHandled() {
        assertThat(UrlRedactor.redact("https://h/p?Signature=&sig=x"))
                .isEqualTo("https://h/p?Signature=REDACTED&sig=REDACTED");
    }

    @Test
    void parameterWithoutValueIsKept() {
        assertThat(UrlRedactor.redact("https://h/p?sig&flag")).isEqualTo("https://h/p?sig&flag");
    }

    @Test
    void emptyParametersAreKept() {
        assertThat(UrlRedactor.redact("https://h/p?&&sig=x&")).isEqualTo("https://h/p?&&sig=REDACTED&");
    }

    @Test
    void fragmentIsKeptAfterTheRedactedQuery() {
        assertThat(UrlRedactor.redact("https://h/p?sig=abc#section-2")).isEqualTo("https://h/p?sig=REDACTED#section-2");
    }

    @Test
    void questionMarkInsideTheFragmentIsNoQuery() {
        String url = "https://h/p#frag?sig=abc";

        assertThat(UrlRedactor.redact(url)).isEqualTo(url);
    }

    @Test
    void userInfoAndQueryAreBothRedacted() {
        assertThat(UrlRedactor.redact("https://u:p@h:8443/p?X-Amz-Credential=AKIA/2026&x=1#f"))
                .isEqualTo("https://REDACTED:REDACTED@h:8443/p?X-Amz-Credential=REDACTED&x=1#f");
    }

    @Test
    void ipv6HostIsKept() {
        assertThat(UrlRedactor.redact("http://[::1]:8080/items?sig=abc"))
                .isEqualTo("http://[::1]:8080/items?sig=REDACTED");
    }

    @Test
    void ipv6HostWithUserInfoIsRedacted() {
        assertThat(UrlRedactor.redact("http://u:p@[2001:db8::1]:8080/x"))
                .isEqualTo("http://REDACTED:REDACTED@[2001:db8::1]:8080/x");
    }

    @Test
    void atSignInThePathIsNoUserInfo() {
        String url = "https://h/users/alice@example.com/profile";

        assertThat(UrlRedactor.redact(url)).isEqualTo(url);
    }

    @Test
    void atSignInTheQueryIsNoUserInfo() {
        assertThat(UrlRedactor.redact("https://h?email=a@b.com&sig=x"))
                .isEqualTo("https://h?email=a@b.com&sig=REDACTED");
    }

    @Test
    void atSignInTheFragmentIsNoUserInfo() {
        String url = "https://h#mail@example.com";

        assertThat(UrlRedactor.redact(url)).isEqualTo(url);
    }
}
