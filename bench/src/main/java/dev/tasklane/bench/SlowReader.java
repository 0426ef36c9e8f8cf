package dev.tasklane.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client that asks for large answers (lists of {@link LoadServer#BIG_SESSION}, about 2 MB each)
 * and never reads them, on a bare socket with a small receive window. The server is to close it
 * once its send buffer is full; then it connects again and does the same.
 */
final class SlowReader {
  private static final String ASK = "{\"id\":1,\"method\":\"task.list\",\"params\":{\"sessionKey\":\""
      + LoadServer.BIG_SESSION + "\",\"limit\":" + LoadServer.BIG_TASKS + "}}";

  private final int port;
  private final LoadTally tally;

  SlowReader(int port, LoadTally tally) {
    this.port = port;
    this.tally = tally;
  }

  void run(long endNanos) throws InterruptedException {
    while (System.nanoTime() < endNanos) {
      try (Socket s = connect()) {
        OutputStream out = s.getOutputStream();
        while (System.nanoTime() < endNanos) {
          out.write(maskedText(ASK));
          out.flush();
          Thread.sleep(100);
        }
      } catch (IOException dropped) {
        tally.slowDropped.incrementAndGet(); // the server gave up on it: come back, as a real client would
      }
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + java.util.Base64.getEncoder().encodeToString(key)
        + "\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer " + LoadServer.TOKEN + "\r\n\r\n";
    s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("closed during the upgrade");
      head.write(b);
    }
    if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head.toString(StandardCharsets.US_ASCII).lines().findFirst());
    }
    return s; // and never read again
  }

  /** One masked text frame, as a client must send (payloads here are under 64 KiB). */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x81);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i % 4]);
    return f.toByteArray();
  }
}
