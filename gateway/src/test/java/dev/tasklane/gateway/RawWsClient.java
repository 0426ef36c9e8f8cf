package dev.tasklane.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket, for what a well-behaved client library will not do: stop
 * reading while the server writes, send a binary frame, or show the HTTP answer to a refused upgrade.
 */
final class RawWsClient implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;

  /** A frame as received: its opcode and payload. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** A close frame's status code. */
    int closeCode() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    String closeReason() {
      return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  final int status;
  final Map<String, String> headers = new LinkedHashMap<>();
  final String body;

  private RawWsClient(int port, String token, int receiveBufferBytes) throws IOException {
    socket = new Socket();
    socket.setReceiveBufferSize(receiveBufferBytes); // before connecting, so the window is small from the start
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String statusLine = line();
    status = Integer.parseInt(statusLine.split(" ")[1]);
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
    }
    body = status == 101 ? "" : readBody();
  }

  /** Upgrades with {@code token}; check {@link #status} (101 when accepted). */
  static RawWsClient connect(int port, String token) throws IOException {
    return new RawWsClient(port, token, 64 * 1024);
  }

  /** As {@link #connect}, with a small receive window: once it is full, the server's writes pile up. */
  static RawWsClient connectNotReading(int port, String token) throws IOException {
    return new RawWsClient(port, token, 4 * 1024);
  }

  void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  void sendBinary(byte[] data) throws IOException {
    send(BINARY, data);
  }

  /** Answers a close frame with one of its own, echoing {@code code}. */
  void sendClose(int code) throws IOException {
    send(CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
  }

  /** True once the server has closed the socket: the next read finds the end of the stream. */
  boolean endOfStream() throws IOException {
    return in.read() < 0;
  }

  /** One unfragmented frame, masked as a client must. */
  private synchronized void send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | opcode);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length);
    } else {
      f.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) f.write((int) ((long) payload.length >>> shift));
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.write(mask);
    for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i % 4]);
    out.write(f.toByteArray());
    out.flush();
  }

  /** The next frame from the server (servers do not mask). */
  Frame read() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) length = in.readUnsignedShort();
    else if (length == 127) length = in.readLong();
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return new Frame(first & 0x0f, payload);
  }

  /** Reads past data frames to the close frame. */
  Frame readUntilClose() throws IOException {
    for (Frame f = read(); ; f = read()) {
      if (f.opcode() == CLOSE) return f;
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) throw new IOException("connection closed in the HTTP header");
      if (c != '\r') b.append((char) c);
    }
    return b.toString();
  }

  private String readBody() throws IOException {
    String length = headers.get("content-length");
    if (length == null) return "";
    byte[] b = new byte[Integer.parseInt(length)];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
