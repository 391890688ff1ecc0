package dev.trawl.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal synchronous RESP client for test set-up and assertions, independent of the code
 * under test, talking to the real Redis on 127.0.0.1:6379 (or a test's private Redis on another port).
 */
public final class RedisCli implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public RedisCli() {
        this(6379);
    }

    public RedisCli(int port) {
        this(connect(port));
    }

    /** Over a socket already connected, e.g. a TLS one. */
    public RedisCli(Socket socket) {
        try {
            this.socket = socket;
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException("Could not talk to Redis over " + socket, e);
        }
    }

    private static Socket connect(int port) {
        try {
            return new Socket("127.0.0.1", port);
        } catch (IOException e) {
            throw new IllegalStateException("Redis must run on 127.0.0.1:" + port + " for the tests", e);
        }
    }

    public static void deleteByPrefix(String prefix) {
        try (RedisCli redis = new RedisCli()) {
            String cursor = "0";
            do {
                List<?> reply = (List<?>) redis.call("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000");
                cursor = (String) reply.get(0);
                for (Object key : (List<?>) reply.get(1)) {
                    redis.call("DEL", (String) key);
                }
            } while (!cursor.equals("0"));
        }
    }

    /** Sends one command; the reply is a String, Long, List or null. Errors throw. */
    public Object call(String... args) {
        try {
            StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                sb.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object read() throws IOException {
        String line = readLine();
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+':
                return rest;
            case '-':
                throw new IllegalStateException("Redis error: " + rest);
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int len = Integer.parseInt(rest);
                if (len < 0) {
                    return null;
                }
                byte[] buf = in.readNBytes(len);
                readLine();
                return new String(buf, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read());
                }
                return list;
            }
            default:
                throw new IllegalStateException("Unexpected reply " + line);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("Redis closed the connection");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection
        }
    }
}
