package dev.upstreamguard.filter;

import java.util.Locale;

/** HTML text written by hand, pure ASCII. Stateless. */
final class HtmlText {
    private HtmlText() {}

    /**
     * Escapes the HTML-significant characters, writes everything outside ASCII as a character reference (one
     * per code point) and replaces controls and lone surrogates, which HTML text may not hold.
     */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        value.codePoints().forEach(c -> {
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&#39;");
                    break;
                default:
                    if (Character.isISOControl(c) || Character.isSurrogate((char) c) && c <= 0xFFFF) {
                        out.append("&#xFFFD;"); // controls and lone surrogates are not allowed in HTML text
                    } else if (c > 0x7e) {
                        out.append("&#x")
                                .append(Integer.toHexString(c).toUpperCase(Locale.ROOT))
                                .append(';');
                    } else {
                        out.append((char) c);
                    }
            }
        });
        return out.toString();
    }
}
