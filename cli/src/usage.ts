// Help text of the topoflow command.

/** The help shown by `topoflow --help` and on usage errors. */
export const USAGE = `Usage: topoflow <command> [options]

Services:
  analyzer [--config FILE] [--dump]        run the analyzer (REST, WebSocket, Gremlin) on 127.0.0.1:8082
  agent [--config FILE] [--dump]           run the agent (host node, graph forwarded to agent.analyzers; API on 127.0.0.1:8081)
  allinone [--config FILE] [--dump]        analyzer and an agent forwarding to it, in one process

Client (talks to a running analyzer; --analyzer HOST:PORT, default $TOPOFLOW_ANALYZER or 127.0.0.1:8082):
  client query QUERY [--format json|dot] [--at TIME [--window DURATION]]
                                           run a Gremlin query, print the JSON result; --at runs it on the
                                           graph as it was ('-1m', epoch seconds or ms, an RFC 1123 date),
                                           --window on every revision during DURATION before TIME ('5m')
  client shell                             interactive Gremlin console (history, Tab completion)
  client topology import FILE [--name N]   load a Skydive topology dump ('-' = stdin) under origin import.N
  client topology export [--format json|dot] [--gremlin QUERY]
                                           print the topology (or a sub-graph) as a Skydive dump or DOT
  client subscribe [--gremlin FILTER] [--partial] [--count N]
                                           print the topology, then live changes as JSON lines
  client capture create --gremlin QUERY [--type T] [--bpf FILTER] [--name N] [--description D]
         [--header-size N] [--raw-packets N] [--extra-tcp-metric] [--ip-defrag] [--reassemble-tcp]
         [--layer-key-mode L2|L3] [--sampling-rate N] [--polling-interval N] [--port N]
                                           capture on the nodes QUERY selects (now and later); prints it
  client capture list                      print every capture (keyed by UUID, with Count)
  client capture get UUID                  print one capture
  client capture delete UUID               delete a capture (its agents stop it)
  client pcap inject FILE [--node-tid T] [--capture-id C] [--layer-key-mode L2|L3] [--extra-tcp-metric]
         [--ip-defrag] [--reassemble-tcp]
                                           stream a pcap or pcapng file to the analyzer, which makes flows of
                                           it with the file's timestamps; prints {Packets, Flows}

Other:
  version                                  print the version
  --help                                   this text

Configuration: YAML file (--config, see etc/topoflow.yml.default), then TOPOFLOW_* environment variables
(e.g. TOPOFLOW_ANALYZER_LISTEN=0.0.0.0:8082); --dump prints the effective configuration and exits.
`;
