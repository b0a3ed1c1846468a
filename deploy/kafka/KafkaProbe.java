// Readiness probe used by deploy/kafka.sh (not part of the Python project).
//
// An open TCP port only proves the socket is bound; a KRaft broker binds its
// listener well before it has caught up with the metadata log and been
// unfenced. This asks the cluster for its live brokers with the real client
// (kafka-clients is among the fetched jars; the kafka-tools jar with
// TopicCommand etc. is not), and succeeds once at least N brokers are alive.
//
// Usage: java -cp "<libs>/*:<probe classes>" KafkaProbe BOOTSTRAP MIN_BROKERS TIMEOUT_MS [NODE_ID]
// With NODE_ID (may be empty), that broker must also be among the live ones.
// Exit 0 and print the live broker ids when ready, exit 1 on timeout.

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

public class KafkaProbe {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int minBrokers = Integer.parseInt(args[1]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[2]);
        String needId = args.length > 3 ? args[3] : "";

        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");

        String last = "no answer yet";
        try (Admin admin = Admin.create(p)) {
            while (System.currentTimeMillis() < deadline) {
                try {
                    var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                            .nodes().get(4, TimeUnit.SECONDS);
                    StringBuilder ids = new StringBuilder();
                    boolean hasNeeded = needId.isEmpty();
                    for (Node n : nodes) {
                        ids.append(ids.length() == 0 ? "" : ",").append(n.id());
                        if (String.valueOf(n.id()).equals(needId)) hasNeeded = true;
                    }
                    if (nodes.size() >= minBrokers && hasNeeded) {
                        System.out.println(ids);
                        return;
                    }
                    last = nodes.size() + " live broker(s): [" + ids + "]";
                } catch (Exception e) {
                    last = e.toString();
                }
                Thread.sleep(300);
            }
        }
        System.err.println("KafkaProbe: timed out waiting for " + minBrokers
                + " broker(s) at " + bootstrap + "; last: " + last);
        System.exit(1);
    }
}
