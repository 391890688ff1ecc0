package dev.trawl.scrape;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Collects a response body as it streams in and fails the moment it grows past the limit, so an
 * endless or huge body never sits whole in memory. The limit applies after decompression. It
 * fails with a permanent {@code oversize} {@link FetchFailure} naming the page, not the server that
 * sent the body (a render backend's URL may hold a token).
 */
public final class CappedBody implements WriteStream<Buffer> {

    private final long limit;
    private final String what;
    private final Buffer collected = Buffer.buffer();

    private CappedBody(long limit, String what) {
        this.limit = limit;
        this.what = what;
    }

    /** The body of a page fetched from {@code url}. */
    static CappedBody fetchedBody(long limit, String url) {
        return new CappedBody(limit, "The body of " + url);
    }

    /** The HTML a render backend returns for {@code url}, held to the same limit as a fetched body. */
    public static CappedBody renderedPage(long limit, String url) {
        return new CappedBody(limit, "The rendered HTML of " + url);
    }

    public byte[] bytes() {
        return collected.getBytes();
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (collected.length() + (long) data.length() > limit) {
            return Future.failedFuture(
                    FetchFailure.permanent("oversize", what + " is larger than the limit of " + limit + " bytes"));
        }
        collected.appendBuffer(data);
        return Future.succeededFuture();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        Future<Void> result = write(data);
        if (handler != null) {
            handler.handle(result);
        }
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        if (handler != null) {
            handler.handle(Future.succeededFuture());
        }
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        return this;
    }
}
