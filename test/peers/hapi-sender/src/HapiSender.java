import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.NoValidation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends HL7 v2 messages with HAPI's own MLLP client (its Initiator frames each message, waits for
 * the ACK and checks that MSA-2 answers the message's MSH-10) and prints, for each message, one line:
 * "ACK <MSA-1> <MSA-2> <ACK MSH-9> <ACK MSH-12>". Messages of any version 2.3 to 2.8 are parsed into
 * HAPI's v2.5 model (CanonicalModelClassFactory), as a multi-version interface engine does.
 * Usage: HapiSender HOST PORT FILE... (a file: messages beginning with MSH, segments one a line).
 */
public class HapiSender {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    List<String> messages = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String text = new String(Files.readAllBytes(Paths.get(args[i])), StandardCharsets.ISO_8859_1);
      StringBuilder current = null;
      for (String line : text.split("\r\n|\r|\n")) {
        if (line.trim().isEmpty()) continue;
        if (line.startsWith("MSH")) {
          if (current != null) messages.add(current.toString());
          current = new StringBuilder();
        }
        current.append(line).append('\r');
      }
      if (current != null) messages.add(current.toString());
    }
    try (HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5"))) {
      context.setValidationContext(new NoValidation());
      PipeParser parser = context.getPipeParser();
      Connection connection = context.newClient(host, port, false);
      try {
        for (String text : messages) {
          Message message = parser.parse(text);
          Message ack = connection.getInitiator().sendAndReceive(message);
          Terser t = new Terser(ack);
          System.out.println("ACK " + t.get("MSA-1") + " " + t.get("MSA-2") + " " + t.get("MSH-9-1") + "^"
              + t.get("MSH-9-2") + "^" + t.get("MSH-9-3") + " " + t.get("MSH-12"));
        }
      } finally {
        connection.close();
      }
    }
  }
}
