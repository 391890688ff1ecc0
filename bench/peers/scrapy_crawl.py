"""The Scrapy side of the crawl comparison (bench/run.sh peers-crawl).

Run and measured by `java bench/LoadGen.java --mode peer`, with Debian's Scrapy
(`/usr/bin/python3 bench/peers/scrapy_crawl.py --start URL --out DIR`). One spider crawls the local
site from --start: it obeys robots.txt, sends up to --concurrency requests at once to the site
(CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN), no delay, no AutoThrottle, extracts each
page's title and links, writes one item per page to a JSON-lines feed under --out and follows the
links of the same site (Scrapy's duplicate filter drops those already seen).

It speaks the same line protocol as the Node peers (bench/peers/protocol.mjs): "@@start crawl" when
the spider opens, "@@end crawl" when it closes, each answered by a line on stdin, and
"@@result {json}" with pages, failures and the seconds from spider opened to spider closed.
"""
import argparse
import json
import sys
import time
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess


def announce(line):
    """Prints a protocol line and waits for LoadGen's answer (none when run by hand)."""
    print(line, flush=True)
    if not sys.stdin.isatty():
        sys.stdin.readline()


class SiteSpider(scrapy.Spider):
    name = "peers"

    def __init__(self, start, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname]
        self.pages = 0
        self.without_title = 0
        self.t0 = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.closed_, signal=signals.spider_closed)
        return spider

    def opened(self, spider):
        announce("@@start crawl")
        self.t0 = time.monotonic()

    def closed_(self, spider, reason):
        seconds = time.monotonic() - self.t0
        announce("@@end crawl")
        stats = self.crawler.stats.get_stats()
        failed = stats.get("log_count/ERROR", 0) + sum(
            v for k, v in stats.items() if k.startswith("downloader/response_status_count/") and not k.endswith("/200"))
        problems = []
        if failed:
            problems.append(f"{failed} errors or non-200 answers")
        if self.without_title:
            problems.append(f"{self.without_title} pages without a title")
        if reason != "finished":
            problems.append(f"closed: {reason}")
        print("@@result " + json.dumps({
            "phase": "crawl",
            "pages": self.pages,
            "failed": failed,
            "seconds": seconds,
            "pagesPerSecond": self.pages / seconds if seconds > 0 else 0,
            "requests": stats.get("downloader/request_count", 0),
            "ok": not problems,
            "problem": "; ".join(problems),
        }), flush=True)

    def start_requests(self):
        # Scrapy's default start requests skip the duplicate filter (dont_filter=True), so the start
        # page would be fetched again when a page links to it; this one goes through the filter.
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        title = (response.css("title::text").get() or "").strip()
        links = response.css("a::attr(href)").getall()
        if not title:
            self.without_title += 1
        self.pages += 1
        yield {"url": response.url, "title": title, "links": links}
        for href in links:
            yield response.follow(href, callback=self.parse)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", required=True, help="start URL (127.0.0.1 only)")
    parser.add_argument("--out", required=True, help="directory of the items feed")
    parser.add_argument("--concurrency", type=int, default=32)
    a = parser.parse_args()
    if urlsplit(a.start).hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"scrapy_crawl: {a.start} is not on 127.0.0.1 (loopback only)")
    process = CrawlerProcess(settings={
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": a.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": a.concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "FEEDS": {f"{a.out}/items.jsonl": {"format": "jsonlines", "overwrite": True}},
    })
    process.crawl(SiteSpider, start=a.start)
    process.start()


if __name__ == "__main__":
    main()
