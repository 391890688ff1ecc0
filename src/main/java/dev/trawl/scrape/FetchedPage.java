package dev.trawl.scrape;

/** A page as the site answered it, after redirects. */
public record FetchedPage(String url, String finalUrl, int statusCode, String contentType, byte[] body) {

    public boolean isHtml() {
        if (contentType == null) {
            return true; // servers that omit it almost always send HTML; jsoup copes with the rest
        }
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("text/html") || type.startsWith("application/xhtml+xml");
    }
}
