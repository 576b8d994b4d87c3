/** Where the H2 adapter plans the program (a config file of the container, like its other files). */
export const H2_BACKUP_PROGRAM = '/run/flux/H2Backup.java';

/**
 * The module's H2 backup tool, a Java program run in source-file mode (`java -cp h2.jar
 * H2Backup.java mode`, Java 11 and later) inside the instance's container against its TCP server.
 * H2's own tools take the password only in argv (Script, RunScript, Shell -password) or write
 * SCRIPT TO files on the server; this one reads the credentials from its environment and streams:
 * - dump: SCRIPT's rows to stdout, one statement a line, in a SNAPSHOT transaction whose row
 *   counts it prints to stderr at the end (FLUX-COUNTS ... FLUX-END);
 * - restore [replace]: a script from stdin through RunScript.execute (DROP ALL OBJECTS first
 *   with replace: the current user stays, the script makes the rest again);
 * - count: `schema.table<TAB>rows` per base table.
 * Java 8 syntax: the oscarfonts image runs Java 11.
 */
export const H2_BACKUP_JAVA = `import java.io.*;
import java.nio.charset.StandardCharsets;
import java.sql.*;
import java.util.*;

public class H2Backup {
  public static void main(String[] args) throws Exception {
    String url = "jdbc:h2:tcp://127.0.0.1:1521/" + System.getenv("FLUX_H2_DATABASE");
    try (Connection c = DriverManager.getConnection(url, System.getenv("FLUX_H2_USER"), System.getenv("FLUX_H2_PASSWORD"))) {
      if (args[0].equals("dump")) dump(c);
      else if (args[0].equals("restore")) restore(c, args.length > 1 && args[1].equals("replace"));
      else if (args[0].equals("count")) System.out.print(counts(c));
      else throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  static String quote(String name) {
    return "\\"" + name.replace("\\"", "\\"\\"") + "\\"";
  }

  static String counts(Connection c) throws SQLException {
    List<String[]> tables = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA <> 'INFORMATION_SCHEMA' ORDER BY 1, 2")) {
      while (r.next()) tables.add(new String[] { r.getString(1), r.getString(2) });
    }
    StringBuilder out = new StringBuilder();
    for (String[] t : tables) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + quote(t[0]) + "." + quote(t[1]))) {
        r.next();
        out.append(t[0]).append('.').append(t[1]).append('\\t').append(r.getLong(1)).append('\\n');
      }
    }
    return out.toString();
  }

  static void dump(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
    }
    c.setAutoCommit(false);
    String figures = counts(c);
    Writer out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16);
    try (Statement s = c.createStatement()) {
      s.setFetchSize(1000);
      try (ResultSet r = s.executeQuery("SCRIPT")) {
        while (r.next()) {
          out.write(r.getString(1));
          out.write('\\n');
        }
      }
    }
    out.flush();
    c.commit();
    System.err.print("FLUX-COUNTS\\n" + figures + "FLUX-END\\n");
  }

  static void restore(Connection c, boolean replace) throws Exception {
    if (replace) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP ALL OBJECTS");
      }
    }
    org.h2.tools.RunScript.execute(c, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16));
  }
}
`;
