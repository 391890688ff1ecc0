package dev.trawl.scrape.site;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host name or a glob over host names: {@code *} stands for any run of characters (so
 * {@code *.example.org} covers {@code a.example.org} and {@code a.b.example.org}, but not
 * {@code example.org} itself) and {@code ?} for one character. Matching ignores case and a
 * trailing dot.
 */
public final class HostPattern {

    private final String text;
    private final Pattern regex;
    private final int literalLength;

    private HostPattern(String text, Pattern regex, int literalLength) {
        this.text = text;
        this.regex = regex;
        this.literalLength = literalLength;
    }

    public static HostPattern parse(String pattern) {
        String text = normalise(pattern);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("Empty host pattern");
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int literalLength = 0;
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".+" : ".");
                literal.setLength(0);
            } else {
                literal.append(c);
                literalLength++;
            }
        }
        regex.append(Pattern.quote(literal.toString()));
        return new HostPattern(text, Pattern.compile(regex.toString()), literalLength);
    }

    public boolean matches(String host) {
        return host != null && regex.matcher(normalise(host)).matches();
    }

    public boolean isExact() {
        return literalLength == text.length();
    }

    /**
     * How specific the pattern is: an exact host beats any glob, a longer literal part beats a
     * shorter one, so {@code *.shop.example.org} wins over {@code *.example.org}.
     */
    int specificity() {
        return isExact() ? Integer.MAX_VALUE : literalLength;
    }

    private static String normalise(String host) {
        String trimmed = host.trim().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    @Override
    public String toString() {
        return text;
    }
}
