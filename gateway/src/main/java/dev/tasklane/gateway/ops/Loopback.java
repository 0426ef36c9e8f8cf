package dev.tasklane.gateway.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * The warm-up's client: one HTTP request, or one WebSocket session of one text frame, to the server
 * itself over loopback. Minimal on purpose (no client library is loaded into the server for this): a
 * request without a body, a text frame of at most 64 KiB, an answer that is one unfragmented frame.
 */
final class Loopback implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private Loopback(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** A connection to the server listening on {@code host}'s {@code port} (loopback when it listens on every address). */
  static Loopback connect(String host, int port) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    if (address.isAnyLocalAddress()) address = InetAddress.getLoopbackAddress();
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(address, port), (int) TIMEOUT.toMillis());
      s.setSoTimeout((int) TIMEOUT.toMillis());
      // A frame goes out in a few writes: without this, each write after the first waits for the
      // server's delayed acknowledgement of the one before (about 40 ms on Linux).
      s.setTcpNoDelay(true);
      return new Loopback(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Sends a request's head ({@code GET /healthz HTTP/1.1\r\n...}) and reads the answer; returns its head. */
  String get(String requestHead) throws IOException {
    out.write(requestHead.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead();
    long length = head.lines().filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
        .mapToLong(l -> Long.parseLong(l.substring(15).strip())).findFirst().orElse(0);
    in.readNBytes((int) Math.min(length, 1 << 20));
    return head;
  }

  /**
   * Upgrades to a WebSocket at {@code path} with {@code bearer}, sends {@code text} as one frame and
   * returns the first frame answered, then closes the session as a client does.
   */
  String webSocket(String path, String bearer, String text) throws IOException {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    out.write(("GET " + path + " HTTP/1.1\r\nHost: warm-up\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: Bearer " + bearer + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead();
    if (!head.startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
    sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    String answer = new String(readFrame(), StandardCharsets.UTF_8);
    sendFrame(0x8, new byte[] {0x03, (byte) 0xE8}); // close, 1000 normal
    return answer;
  }

  /** A client's frame: final, masked, its length in 7 or 16 bits. */
  private void sendFrame(int opcode, byte[] payload) throws IOException {
    if (payload.length > 0xFFFF) throw new IOException("frame too long for the warm-up client");
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    out.write(0x80 | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xFF);
    }
    out.write(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    out.write(masked);
    out.flush();
  }

  /** The payload of the server's next frame (unmasked, unfragmented, at most 1 MiB). */
  private byte[] readFrame() throws IOException {
    int b0 = in.read();
    int b1 = in.read();
    if (b0 < 0 || b1 < 0) throw new IOException("closed before a frame");
    long length = b1 & 0x7F;
    if (length == 126) {
      length = ((long) in.read() << 8) | in.read();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) length = (length << 8) | in.read();
    }
    if (length < 0 || length > 1 << 20) throw new IOException("frame of " + length + " bytes");
    return in.readNBytes((int) length);
  }

  private String readHead() throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
      int b = in.read();
      if (b < 0) throw new IOException("closed before the end of the answer's head");
      if (head.length() > 16_384) throw new IOException("answer's head too long");
      head.append((char) b);
    }
    return head.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
