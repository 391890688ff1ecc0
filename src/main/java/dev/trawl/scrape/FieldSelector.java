package dev.trawl.scrape;

/** A named field to extract: the CSS selector, the attribute to read (the text if none), one match or all. */
public record FieldSelector(String selector, String attr, boolean all) {}
