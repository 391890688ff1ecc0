package dev.trawl.scrape;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Finds the parts of a jsoup selector that run a regular expression from the selector over page
 * content: {@code :matches}, {@code :matchesOwn}, {@code :matchesWholeText},
 * {@code :matchesWholeOwnText} and {@code [attr~=regex]}. jsoup evaluates them with
 * java.util.regex, whose backtracking a crafted pattern can make take hours on one page, so
 * selectors with them are refused. The parsed selector is searched as well as the text: CSS
 * escapes ({@code :m\atches}) reach jsoup's parser as the plain name. A quoted value that merely
 * contains one of these strings is refused too; that is the safe side of the line.
 */
public final class SelectorRegexes {

    /** Longest first, so the most specific name is the one reported. */
    private static final List<String> REGEX_PARTS =
            List.of(":matcheswholeowntext", ":matcheswholetext", ":matchesown", ":matches", "~=");

    private static final List<String> NAMES =
            List.of(":matchesWholeOwnText", ":matchesWholeText", ":matchesOwn", ":matches", "[attr~=regex]");

    private SelectorRegexes() {}

    /**
     * The first regex-evaluating construct in the selector, named as jsoup documents it; empty if
     * there is none. The selector must parse ({@link QueryParser#parse} throws otherwise).
     */
    public static Optional<String> find(String selector) {
        Evaluator parsed = QueryParser.parse(selector);
        String text = selector.toLowerCase(Locale.ROOT);
        String canonical = parsed.toString().toLowerCase(Locale.ROOT);
        for (int i = 0; i < REGEX_PARTS.size(); i++) {
            if (text.contains(REGEX_PARTS.get(i)) || canonical.contains(REGEX_PARTS.get(i))) {
                return Optional.of(NAMES.get(i));
            }
        }
        return Optional.empty();
    }
}
