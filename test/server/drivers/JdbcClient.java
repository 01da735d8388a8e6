// pgjdbc against sage-sql: a prepared statement with parameters, typed getters, DatabaseMetaData
// (getTables, getColumns, getPrimaryKeys) and an error's SQLSTATE. Prints lines the test checks.
import java.sql.*;

public class JdbcClient {
  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/sage";
    try (Connection c = DriverManager.getConnection(url, "sage", "")) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE jt (id INT PRIMARY KEY, label TEXT, amount BIGINT)");
        s.execute("CREATE TABLE jk (a INT, b TEXT, c INT, PRIMARY KEY (c, a))");
        s.execute("CREATE TABLE jnopk (a INT)");
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO jt VALUES (?, ?, ?)")) {
        for (int i = 1; i <= 3; i++) {
          p.setInt(1, i);
          p.setString(2, "row" + i);
          p.setLong(3, 9000000000L + i);
          p.executeUpdate();
        }
      }
      try (PreparedStatement p = c.prepareStatement("SELECT id, label, amount FROM jt WHERE id >= ? ORDER BY id")) {
        p.setInt(1, 2);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) System.out.println("row " + r.getInt(1) + " " + r.getString(2) + " " + r.getLong(3));
        }
      }
      DatabaseMetaData md = c.getMetaData();
      try (ResultSet r = md.getTables(null, null, "jt", new String[] {"TABLE"})) {
        while (r.next()) System.out.println("table " + r.getString("TABLE_NAME"));
      }
      try (ResultSet r = md.getColumns(null, null, "jt", null)) {
        while (r.next()) System.out.println("column " + r.getString("COLUMN_NAME") + " " + r.getString("TYPE_NAME"));
      }
      for (String t : new String[] {"jt", "jk", "jnopk"}) {
        try (ResultSet r = md.getPrimaryKeys(null, null, t)) {
          while (r.next()) System.out.println("pk " + r.getString("TABLE_NAME") + " " + r.getString("COLUMN_NAME") + " " + r.getInt("KEY_SEQ") + " " + r.getString("PK_NAME"));
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("SELECT * FROM missing_table");
      } catch (SQLException e) {
        System.out.println("error " + e.getSQLState());
      }
    }
  }
}
