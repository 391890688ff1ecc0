package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class SitemapReaderTest {

    private final SitemapReader reader = new SitemapReader(100_000);

    private static FetchedPage file(String url, byte[] body) {
        return new FetchedPage(url, url, 200, "application/octet-stream", body);
    }

    private static FetchedPage file(String url, String body) {
        return file(url, body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(String body) throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(packed)) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        return packed.toByteArray();
    }

    private static final String URLSET = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>http://site.test/a</loc><lastmod>2026-01-01</lastmod></url>
              <url><loc>http://site.test/deep/b?x=1</loc></url>
              <url><loc>http://other.test/c</loc></url>
            </urlset>""";

    @Test
    void anXmlSitemapGivesItsUrlsInOrderWhateverTheirHost() {
        SitemapFile read = reader.read(file("http://site.test/sitemaps/pages.xml", URLSET));

        assertThat(read.index()).isFalse();
        assertThat(read.urls())
                .containsExactly("http://site.test/a", "http://site.test/deep/b?x=1", "http://other.test/c");
    }

    @Test
    void aGzippedSitemapIsUnpackedWhateverItsName() throws IOException {
        SitemapFile read = reader.read(file("http://site.test/sitemap.xml", gzip(URLSET)));

        assertThat(read.urls()).hasSize(3);
    }

    @Test
    void anIndexGivesTheSitemapsItLists() {
        SitemapFile read = reader.read(file("http://site.test/sitemap.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                  <sitemap><loc>http://site.test/one.xml</loc></sitemap>
                  <sitemap><loc>http://site.test/two.txt.gz</loc></sitemap>
                </sitemapindex>"""));

        assertThat(read.index()).isTrue();
        assertThat(read.urls()).containsExactly("http://site.test/one.xml", "http://site.test/two.txt.gz");
    }

    @Test
    void aTextSitemapIsOneUrlALineAndSkipsWhatIsNoUrl() throws IOException {
        String text = "http://site.test/t1\n\n  http://site.test/t2  \nnot a url\n";

        assertThat(reader.read(file("http://site.test/sitemap.txt", text)).urls())
                .containsExactly("http://site.test/t1", "http://site.test/t2");
        assertThat(reader.read(file("http://site.test/sitemap.txt.gz", gzip(text)))
                        .urls())
                .containsExactly("http://site.test/t1", "http://site.test/t2");
    }

    @Test
    void aGzipBombFailsAsOversizeAfterReadingNoMoreThanTheBound() throws IOException {
        byte[] bomb = gzip("<?xml version=\"1.0\"?>" + " ".repeat(5_000_000) + URLSET);
        assertThat(bomb.length).isLessThan(100_000);

        assertThatThrownBy(() -> reader.read(file("http://site.test/sitemap.xml.gz", bomb)))
                .isInstanceOfSatisfying(
                        FetchFailure.class, f -> assertThat(f.code()).isEqualTo("oversize"));
    }

    @Test
    void xmlThatIsNoSitemapCannotBeRead() {
        assertThatThrownBy(() ->
                        reader.read(file("http://site.test/sitemap.xml", "<html><body><p>Not here</p></body></html>")))
                .isInstanceOfSatisfying(
                        FetchFailure.class, f -> assertThat(f.code()).isEqualTo("sitemap-unreadable"));
    }

    @Test
    void aDoctypeIsRefusedSoNoExternalEntityIsEverRead() {
        String withEntity = """
                <?xml version="1.0"?>
                <!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://site.test/&secret;</loc></url></urlset>""";

        assertThatThrownBy(() -> reader.read(file("http://site.test/sitemap.xml", withEntity)))
                .isInstanceOfSatisfying(
                        FetchFailure.class, f -> assertThat(f.code()).isEqualTo("sitemap-unreadable"));
    }

    @Test
    void corruptGzipCannotBeRead() {
        byte[] corrupt = {(byte) 0x1f, (byte) 0x8b, 8, 0, 1, 2, 3};

        assertThatThrownBy(() -> reader.read(file("http://site.test/sitemap.xml.gz", corrupt)))
                .isInstanceOfSatisfying(
                        FetchFailure.class, f -> assertThat(f.code()).isEqualTo("sitemap-unreadable"));
    }
}
