package dev.upstreamguard.agent.telemetry;

import java.util.Locale;
import java.util.Set;

/**
 * Removes credentials from a URL before it is recorded: user info becomes {@code REDACTED:REDACTED}
 * and the values of signing query parameters become {@code REDACTED}.
 */
public final class UrlRedactor {

    static final String REDACTED = "REDACTED";

    private static final Set<String> SENSITIVE_PARAMETERS = Set.of(
            "awsaccesskeyid",
            "signature",
            "sig",
            "x-goog-signature",
            "x-amz-signature",
            "x-amz-credential",
            "x-amz-security-token");

    private UrlRedactor() {}

    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        int schemeEnd = url.indexOf("://");
        int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int authorityEnd = indexOfAny(url, authorityStart, "/?#");
        int at = url.lastIndexOf('@', authorityEnd - 1);
        int query = url.indexOf('?', authorityEnd);
        int fragment = url.indexOf('#', authorityEnd);
        if (query > fragment && fragment >= 0) {
            query = -1; // a '?' inside the fragment is not a query
        }
        boolean hasUserInfo = at >= authorityStart;
        if (!hasUserInfo && query < 0) {
            return url;
        }
        StringBuilder out = new StringBuilder(url.length() + 16);
        if (hasUserInfo) {
            out.append(url, 0, authorityStart).append(REDACTED).append(':').append(REDACTED);
            out.append(url, at, query < 0 ? url.length() : query);
        } else {
            out.append(url, 0, query);
        }
        if (query >= 0) {
            int queryEnd = fragment < 0 ? url.length() : fragment;
            out.append('?');
            redactQuery(url.substring(query + 1, queryEnd), out);
            out.append(url, queryEnd, url.length());
        }
        return out.toString();
    }

    private static void redactQuery(String query, StringBuilder out) {
        int start = 0;
        while (start <= query.length()) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? query.length() : amp;
            String param = query.substring(start, end);
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            if (eq >= 0 && SENSITIVE_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                out.append(name).append('=').append(REDACTED);
            } else {
                out.append(param);
            }
            if (amp < 0) {
                break;
            }
            out.append('&');
            start = amp + 1;
        }
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
