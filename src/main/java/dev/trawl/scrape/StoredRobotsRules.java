package dev.trawl.scrape;

import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRules.RobotRule;
import crawlercommons.robots.SimpleRobotRules.RobotRulesMode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The part of a parsed robots.txt that our robot obeys, written down so other workers can use it
 * without the file: the mode, the Crawl-delay and the Allow/Disallow prefixes of the one group
 * crawler-commons chose for us, and the first {@link #MAX_SITEMAPS} {@code Sitemap:} URLs (for
 * crawls that read sitemaps; longer than {@link #MAX_SITEMAP_URL_LENGTH} characters they are left
 * out). Comments and other robots' groups are left out, so a large file usually becomes a few
 * hundred bytes. One line each: {@code mode some|all|none}, {@code delay <ms>}, then
 * {@code A <prefix>} or {@code D <prefix>}, then {@code S <sitemap URL>} (neither ever holds a line
 * break: robots.txt is read line by line).
 */
final class StoredRobotsRules {

    static final int MAX_SITEMAPS = 20;
    static final int MAX_SITEMAP_URL_LENGTH = 2048;

    private StoredRobotsRules() {}

    static byte[] encode(SimpleRobotRules rules) {
        StringBuilder text = new StringBuilder(64);
        text.append("mode ")
                .append(rules.isAllowAll() ? "all" : rules.isAllowNone() ? "none" : "some")
                .append('\n');
        if (rules.getCrawlDelay() > 0) {
            text.append("delay ").append(rules.getCrawlDelay()).append('\n');
        }
        for (RobotRule rule : rules.getRobotRules()) {
            text.append(rule.isAllow() ? "A " : "D ").append(rule.getPrefix()).append('\n');
        }
        rules.getSitemaps().stream()
                .filter(url -> url.length() <= MAX_SITEMAP_URL_LENGTH && url.indexOf('\n') < 0)
                .distinct()
                .limit(MAX_SITEMAPS)
                .forEach(url -> text.append("S ").append(url).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Empty if the text is not in this form (written by another version, or damaged). */
    static Optional<SimpleRobotRules> decode(byte[] stored) {
        String[] lines = new String(stored, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length == 0 || !lines[0].startsWith("mode ")) {
            return Optional.empty();
        }
        SimpleRobotRules rules;
        switch (lines[0].substring(5)) {
            case "all" -> rules = new SimpleRobotRules(RobotRulesMode.ALLOW_ALL);
            case "none" -> rules = new SimpleRobotRules(RobotRulesMode.ALLOW_NONE);
            case "some" -> rules = new SimpleRobotRules(RobotRulesMode.ALLOW_SOME);
            default -> {
                return Optional.empty();
            }
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("A ") || line.startsWith("D ")) {
                rules.addRule(line.substring(2), line.charAt(0) == 'A');
            } else if (line.startsWith("S ")) {
                rules.addSitemap(line.substring(2));
            } else if (line.startsWith("delay ")) {
                try {
                    rules.setCrawlDelay(Long.parseLong(line.substring(6)));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            } else if (!line.isEmpty()) {
                return Optional.empty();
            }
        }
        rules.sortRules();
        return Optional.of(rules);
    }
}
