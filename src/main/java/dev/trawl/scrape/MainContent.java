package dev.trawl.scrape;

/**
 * The main content of a page (its article, without navigation, ads, sidebars and footers) as
 * plain text and as markdown; both empty when no main content was found.
 */
public record MainContent(String text, String markdown) {

    public static final MainContent EMPTY = new MainContent("", "");

    public boolean isEmpty() {
        return text.isEmpty() && markdown.isEmpty();
    }
}
