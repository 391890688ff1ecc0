package dev.trawl.job;

import java.util.List;

/** One fetched and extracted page as the worker hands it over for storage. */
public record StoredPage(String url, String finalUrl, int statusCode, String contentType, String title,
        String description, String text, List<String> links) {
}
