# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wsadm_global_optspecs
    string join \n profile= region= endpoint-url= connect-timeout= read-timeout= api= stage= domain= table= o/output= no-color v/verbose y/yes h/help V/version
end

function __fish_wsadm_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wsadm_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wsadm_using_subcommand
    set -l cmd (__fish_wsadm_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wsadm -n "__fish_wsadm_needs_command" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_needs_command" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_needs_command" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_needs_command" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_needs_command" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_needs_command" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "apis" -d 'List and inspect WebSocket APIs'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "sessions" -d 'Who is connected: list, inspect, kick and prune sessions (the session table, checked against API Gateway)'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "logs" -d 'The stage\'s logs as one stream that speaks WebSocket: tail, trace a connection, summarize'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "broadcast" -d 'Send one message to many connections: fast, throttle-aware, with exact accounting'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "client" -d 'A chat client: the API as a user sees it, with heartbeat and jittered reconnects'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "loadtest" -d 'Open, hold and measure many connections: connect latency, message round trip, errors'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "provision" -d 'Create or update the whole chat stack: API, routes, authorizer, handlers, session table, logging and throttling; a rerun changes nothing, --dry-run shows the plan'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "destroy" -d 'Delete everything a stack created: API, functions, JWT secret, role, log groups, session table'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "audit" -d 'Check authentication, throttling, logging and the backend of WebSocket APIs: findings with evidence and fix, an exit code for CI, SARIF and JUnit'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "handlers" -d 'Build the chat stack\'s handlers as a Lambda zip for x86_64 or arm64 (cargo-lambda)'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "local" -d 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "metrics" -d 'How the stage is doing in numbers and charts: the six API Gateway metrics, connections open now (session table beside the access log), error shares, cost; --watch refreshes like top'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "alarms" -d 'The recommended CloudWatch alarms of a stage: list, plan, apply (idempotent, tagged), delete'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -f -a "ls" -d 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -f -a "list" -d 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -f -a "show" -d 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -f -a "ls" -d 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -f -a "list" -d 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -f -a "show" -d 'One connection: GetConnection beside its session record'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -f -a "kick" -d 'Close connections (DeleteConnection) and remove their records'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -f -a "prune" -d 'Remove the records of connections API Gateway no longer knows (410)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and not __fish_seen_subcommand_from ls list show kick prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l user -d 'Only this user\'s connections (a Query on the by-user index)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l room -d 'Only connections in this room (a Query on the by-room index)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l since -d 'Only connections opened within DURATION (10m) or since a time (2026-01-31T12:00:00Z)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l idle-over -d 'Only connections idle for longer than DURATION (90s, 10m, 2h)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l limit -d 'At most N sessions (stops reading the table early unless --sort is given)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l sort -d 'Order the list (without it, JSON streams rows in the order the session table returns them)' -r -f -a "id\t'Connection id'
user\t'User, then connection id'
connected\t'Longest connected first'
idle\t'Longest idle first'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l stale -d 'Only stale records: connected over 2 h ago or idle over 11 min (impossible on AWS)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l count -d 'Print only the number of matching sessions'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l live -d 'Check every listed connection with GetConnection and mark the ones that are gone'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l user -d 'Only this user\'s connections (a Query on the by-user index)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l room -d 'Only connections in this room (a Query on the by-room index)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l since -d 'Only connections opened within DURATION (10m) or since a time (2026-01-31T12:00:00Z)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l idle-over -d 'Only connections idle for longer than DURATION (90s, 10m, 2h)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l limit -d 'At most N sessions (stops reading the table early unless --sort is given)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l sort -d 'Order the list (without it, JSON streams rows in the order the session table returns them)' -r -f -a "id\t'Connection id'
user\t'User, then connection id'
connected\t'Longest connected first'
idle\t'Longest idle first'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l stale -d 'Only stale records: connected over 2 h ago or idle over 11 min (impossible on AWS)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l count -d 'Print only the number of matching sessions'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l live -d 'Check every listed connection with GetConnection and mark the ones that are gone'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l user -d 'Every connection of this user' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l room -d 'Every connection in this room' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from kick" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l concurrency -d 'GetConnection calls in flight at once (1-256)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l min-age -d 'Leave records younger than this alone (their connection may still be in $connect)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l dry-run -d 'Report what would be removed, remove nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "show" -d 'One connection: GetConnection beside its session record'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "kick" -d 'Close connections (DeleteConnection) and remove their records'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove the records of connections API Gateway no longer knows (410)'
complete -c wsadm -n "__fish_wsadm_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -f -a "tail" -d 'The stage\'s logs as one time-ordered stream: access log, execution log, Lambda functions'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -f -a "trace" -d 'One connection\'s life from the logs: connect, authorizer, messages, invocations, close'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -f -a "summary" -d 'Per route: requests, errors by status, p50/p99 latency; connects, close codes, rejections'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -f -a "groups" -d 'The stage\'s log groups (found from its settings, routes and authorizers) and logging findings'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and not __fish_seen_subcommand_from tail trace summary groups help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l since -d 'From this long ago (10m, 2h, 1d) or this time (2026-11-29T10:00:00Z)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l until -d 'Up to this long ago or this time (default: now)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l only -d 'Only these kinds of groups (repeatable)' -r -f -a "access\t'The stage\'s access log (its destination ARN)'
execution\t'API Gateway\'s execution log (API-Gateway-Execution-Logs_{apiId}/{stage})'
lambda\t'The log groups of the functions the routes and the authorizer call'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l group -d 'Also read this log group (repeatable); its kind is told by its name' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l limit -d 'Read at most N events (the earliest N in the window)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l rate -d 'FilterLogEvents requests per second, shared by all groups (CloudWatch\'s quota is per account)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l connection -d 'One connection: its requests, authorizer decision, Lambda invocations, close' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l route -d 'One route ($connect, $disconnect, $default, send...)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l user -d 'One user (from the authorizer context or the handler\'s log lines)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l status -d 'A status (410) or a class (4xx, 5xx)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l grep -d 'Lines containing TEXT' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l interval -d 'How often --follow polls' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l lookback -d 'How far back each --follow poll looks again for late events' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l errors -d 'Failures only: status 4xx/5xx, errors, Lambda errors, close codes 1006/1011'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -s f -l follow -d 'Keep reading: print new events as they arrive (late ones included, never twice)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l insights -d 'Ask CloudWatch Logs Insights once for all groups (faster over long windows)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from tail" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l since -d 'From this long ago (10m, 2h, 1d) or this time (2026-11-29T10:00:00Z)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l until -d 'Up to this long ago or this time (default: now)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l only -d 'Only these kinds of groups (repeatable)' -r -f -a "access\t'The stage\'s access log (its destination ARN)'
execution\t'API Gateway\'s execution log (API-Gateway-Execution-Logs_{apiId}/{stage})'
lambda\t'The log groups of the functions the routes and the authorizer call'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l group -d 'Also read this log group (repeatable); its kind is told by its name' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l limit -d 'Read at most N events (the earliest N in the window)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l rate -d 'FilterLogEvents requests per second, shared by all groups (CloudWatch\'s quota is per account)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from trace" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l since -d 'From this long ago (10m, 2h, 1d) or this time (2026-11-29T10:00:00Z)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l until -d 'Up to this long ago or this time (default: now)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l only -d 'Only these kinds of groups (repeatable)' -r -f -a "access\t'The stage\'s access log (its destination ARN)'
execution\t'API Gateway\'s execution log (API-Gateway-Execution-Logs_{apiId}/{stage})'
lambda\t'The log groups of the functions the routes and the authorizer call'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l group -d 'Also read this log group (repeatable); its kind is told by its name' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l limit -d 'Read at most N events (the earliest N in the window)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l rate -d 'FilterLogEvents requests per second, shared by all groups (CloudWatch\'s quota is per account)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l connection -d 'One connection: its requests, authorizer decision, Lambda invocations, close' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l route -d 'One route ($connect, $disconnect, $default, send...)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l user -d 'One user (from the authorizer context or the handler\'s log lines)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l status -d 'A status (410) or a class (4xx, 5xx)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l grep -d 'Lines containing TEXT' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l errors -d 'Failures only: status 4xx/5xx, errors, Lambda errors, close codes 1006/1011'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from summary" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from groups" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "tail" -d 'The stage\'s logs as one time-ordered stream: access log, execution log, Lambda functions'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "trace" -d 'One connection\'s life from the logs: connect, authorizer, messages, invocations, close'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "summary" -d 'Per route: requests, errors by status, p50/p99 latency; connects, close codes, rejections'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "groups" -d 'The stage\'s log groups (found from its settings, routes and authorizers) and logging findings'
complete -c wsadm -n "__fish_wsadm_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l room -d 'The connections in this room' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l user -d 'The connections of this user' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l connection -d 'These connection ids (repeatable)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l targets -d 'A file of targets (ids, or JSON lines with connection_id); - for stdin' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l only -d 'With --targets of a previous report: only targets with this outcome' -r -f -a "delivered\t''
gone\t''
failed\t''
not-attempted\t''"
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -s m -l message -d 'The message text' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l file -d 'Read the message from a file (or pipe it on stdin)' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l max-rps -d 'Most @connections calls per second, retries included: a hard cap (they share the account\'s limit with production traffic)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l concurrency -d 'Most calls in flight' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l max-attempts -d 'Attempts per connection for 429, 5xx and connect failures (never after a timeout)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l scan-segments -d 'Parallel scan segments for --all' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l sender -d 'How calls are sent: direct (wsadm\'s own signer on hyper\'s pooled client), sdk (the AWS SDK client: slower, speaks to proxies), auto (direct unless HTTPS_PROXY/HTTP_PROXY applies)' -r -f -a "auto\t''
direct\t''
sdk\t''"
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l report -d 'Write one JSON line per target with its outcome' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l min-age -d 'Keep the record of a gone (410) connection younger than this: it may still be in $connect' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l all -d 'Every connection in the session table'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l all-stages -d 'With --all/--room/--user: send records of other stages to their own stage\'s endpoint (by default they are skipped and counted)'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l json -d 'Refuse a message that is not valid JSON'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l dry-run -d 'Resolve and count the targets; send nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand broadcast" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l token -d 'The token (visible in the process list: prefer --token-env or --token-file)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l token-env -d 'Read the token from this environment variable' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l token-file -d 'Read the token from this file: client, its first line (read again on every reconnect); loadtest, one token per line, used round-robin' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l token-in -d 'Where the token goes: ?token= (what browsers can do) or Authorization: Bearer' -r -f -a "query\t'`?token=…` (what browsers can do; the chat authorizer reads it)'
header\t'`Authorization: Bearer …`'"
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l header -d 'An extra header on the upgrade request (repeatable)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l room -d 'Join this room after connecting and after every reconnect (repeatable); scripted text lines are sent to the first' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l heartbeat -d 'Send the ping action this often (0 = never); API Gateway closes idle connections after 10m' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l pong-timeout -d 'The connection is dead when a heartbeat gets no pong within this long' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l handshake-timeout -d 'Give up a connection attempt (TCP, TLS, upgrade with the authorizer) after this long' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l backoff-base -d 'Upper bound of the first reconnect delay (it doubles each attempt)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l backoff-cap -d 'Largest reconnect delay' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l max-attempts -d 'Consecutive failed reconnects before giving up (0 = never give up)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l stable-after -d 'A connection up this long resets the attempt count' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l linger -d 'Scripted: after stdin ends, wait this long for the replies to what was sent' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l no-reconnect -d 'Never reconnect: exit when the connection ends'
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l stay -d 'Scripted: after stdin ends, stay connected (and reconnect) until Ctrl-C or SIGTERM'
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand client" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l token -d 'The token (visible in the process list: prefer --token-env or --token-file)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l token-env -d 'Read the token from this environment variable' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l token-file -d 'Read the token from this file: client, its first line (read again on every reconnect); loadtest, one token per line, used round-robin' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l token-in -d 'Where the token goes: ?token= (what browsers can do) or Authorization: Bearer' -r -f -a "query\t'`?token=…` (what browsers can do; the chat authorizer reads it)'
header\t'`Authorization: Bearer …`'"
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l header -d 'An extra header on the upgrade request (repeatable)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -s n -l connections -d 'Connections to open' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l connect-rate -d 'New connections per second' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l duration -d 'How long to hold the connections once they are all open' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l message-rate -d 'Messages per second across all connections (0 = none)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l payload-bytes -d 'Text size of each message' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l rooms -d 'Spread the connections over K rooms named loadtest-0 … loadtest-(K-1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l room -d 'Rooms by name instead (repeatable)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l join-via -d 'How connections join: the join action, or ?room= on the upgrade (the chat handler joins on $connect)' -r -f -a "action\t'The `join` action after connecting (waits for `joined`)'
query\t'`?room=` on the upgrade request (the chat handler joins on $connect: one write fewer)'"
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l expect -d 'Counting mode: every connection should receive exactly N frames' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l count-type -d 'Count only frames whose JSON "type" is TYPE' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l settle -d 'With --until-expected: how long to keep counting after that, to catch duplicates' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l connect-retries -d 'Retries of a connect refused with 429 or 5xx or timed out (jittered backoff)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l source-addrs -d 'On loopback, spread connections over this many source addresses (127.0.0.1 …)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l handshake-timeout -d 'Give up a connection attempt (TCP, TLS, upgrade with the authorizer) after this long' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l heartbeat -d 'Each connection sends the ping action this often (0 = never)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l drain -d 'At the end, wait up to this long for replies and deliveries in flight' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l hold -d 'Hold until Ctrl-C or SIGTERM instead of --duration'
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l until-expected -d 'Finish once every connection has received its --expect count (then wait --settle)'
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand loadtest" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l name -d 'Stack name: names the API, functions, role, table and log groups, all tagged wsadm:stack=NAME (the stage is the global --stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l authorizer -d 'How clients authenticate on $connect' -r -f -a "jwt\t'A JWT checked by the stack\'s REQUEST authorizer function (HS256 secret or JWKS)'
iam\t'SigV4-signed connections (AWS_IAM); users are anonymous to the chat handlers'
none\t'No authentication: anyone can connect (a warning says so)'"
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l jwks-url -d 'JWKS URL with the RS256/ES256 keys that sign client tokens (https)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l jwt-secret-env -d 'Environment variable holding the HS256 secret, at least 32 bytes (read here, stored in Secrets Manager as wsadm/NAME/jwt-secret)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l jwt-secret-file -d 'File holding the HS256 secret, at least 32 bytes (read here, trailing newlines trimmed; stored in Secrets Manager)' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l jwt-issuer -d 'Required `iss` claim' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l jwt-audience -d 'Required `aud` claim (comma-separated: a token must name one of them); with --jwks-url both --jwt-issuer and --jwt-audience are required' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l jwt-typ -d 'Required `typ` header, compared case-insensitively (e.g. JWT, or at+jwt for OAuth access tokens)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l jwt-max-age -d 'Refuse tokens issued (`iat`) longer ago than this, e.g. 1h (tokens must then carry `iat`)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l token-in -d 'Where clients put the token on $connect: query (?token=JWT), header (Authorization: Bearer JWT), or both (the authorizer has no identity source and reads either) [default: both]' -r -f -a "query\t'`?token=JWT` (browsers); a connect without it is refused before the authorizer runs'
header\t'`Authorization: Bearer JWT` (native clients); a connect without it is refused before the authorizer runs'
both\t'Either: no identity source, so the authorizer runs on every connect and reads both'"
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l rotation-grace -d 'With --rotate-secret: how long the old secret still verifies (0 drops it at once, for a leaked secret; at most 7d) [default: 1h]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l rooms-claim -d 'Token claim listing the rooms a user may join besides the public ones (copied by the authorizer into its context) [default: rooms]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l throttle-rate -d 'Stage default: steady requests per second per route' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l throttle-burst -d 'Stage default: burst' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l route-throttle -d 'One route\'s own limits, e.g. send=50:100 (repeatable)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l logging-level -d 'Execution logging level' -r -f -a "OFF\t''
ERROR\t''
INFO\t''"
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l access-log-format -d 'Access-log format with $context variables (must contain $context.requestId) [default: JSON with requestId, requestTime, connectionId, eventType, routeKey, status, integrationLatency, authorizerError, errorMessage, sourceIp, userAgent]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l log-retention-days -d 'Retention of every log group of the stack' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l max-connections-per-user -d 'Open connections one user may hold (0 = no cap)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l public-rooms -d 'Rooms anyone may join: comma-separated names, NAME* for a prefix, * for every room, \'\' for none (dm:A:B rooms are only ever open to A and B)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l max-rooms -d 'Rooms one connection may be in at once (1-100)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l user-rate -d 'Messages one user may send per second over all of their connections, and the burst (0:0 = no per-user limit)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l handler-zip -d 'The handlers\' Lambda zip [default: dist/wsadm-handler-ARCH.zip if present, else the zip `wsadm handlers build --arch ARCH` made, else this wsadm itself as `bootstrap` (Linux, same architecture)]' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l architecture -d 'CPU architecture of the functions (must match the zip)' -r -f -a "x86_64\t''
arm64\t''"
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l alarm-topic -d 'With --alarms: SNS topic notified when an alarm fires and when it recovers' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l dry-run -d 'Show what would be created, updated or deleted, and change nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l rotate-secret -d 'Replace the HS256 secret in Secrets Manager with the one given now; tokens signed with the old one keep working for --rotation-grace'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l detailed-metrics -d 'Per-route CloudWatch metrics (billed per metric)'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l alarms -d 'Also create the stage\'s recommended CloudWatch alarms, with their default thresholds (`wsadm alarms plan` shows them; `wsadm alarms apply` takes other thresholds)'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand provision" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l name -d 'The stack to delete' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l dry-run -d 'Show what would be deleted, and delete nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand destroy" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l fail-on -d 'Exit with code 3 when a finding at or above this severity is found (critical, high, medium, low, info); 6 when none is but a check could not run' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l ignore -d 'Suppress a check (ID, e.g. WS-LOG-003) or a check on one resource (ID:RESOURCE, the resource\'s name or ARN); repeatable. Suppressed findings are listed, not hidden' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l ignore-file -d 'File of ignore rules: `ID[:RESOURCE] reason` per line (# comments)' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l stale-sample -d 'Session records to sample for WS-DATA-004 (stale records): one bounded Scan, then GetConnection for each on the stage (given, or the API\'s only one); 0 skips the check' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l format -d 'Print a SARIF 2.1.0 or JUnit XML document instead of the report' -r -f -a "sarif\t'SARIF 2.1.0 (GitHub code scanning: upload with github/codeql-action/upload-sarif)'
junit\t'JUnit XML (one test case per check and API; a failure per finding at or above --fail-on)'"
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l all -d 'Audit every WebSocket API in the region, every stage (instead of --api/--stage)'
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l read-secrets -d 'Read the HS256 secrets the functions name (secretsmanager:GetSecretValue) to check their length (WS-AUTH-007); the values are never printed or kept'
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand audit" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -f -a "build" -d 'Cross-build the handlers with cargo-lambda into wsadm\'s cache, where provision finds them'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and not __fish_seen_subcommand_from build help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l arch -d 'The functions\' CPU architecture' -r -f -a "x86_64\t''
arm64\t''"
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l source -d 'A wsadm checkout to compile [default: the one around the working directory, else the published crate]' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l out -d 'Where to write the zip [default: the cache, where provision looks]' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from help" -f -a "build" -d 'Cross-build the handlers with cargo-lambda into wsadm\'s cache, where provision finds them'
complete -c wsadm -n "__fish_wsadm_using_subcommand handlers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l port -d 'Port to listen on (127.0.0.1); 0 picks a free one' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l moto-url -d 'Use this running moto instead of starting one' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l dynamodb-url -d 'Use this running DynamoDB engine (e.g. dynalite) instead of starting one' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l dynamodb-engine -d 'The engine that serves DynamoDB' -r -f -a "auto\t'dynalite when installed, else moto with a warning'
dynalite\t'dynalite, or an error saying how to install it'
moto\t'moto, like the other services (slow: a few hundred writes a second)'"
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l tls-ca-file -d 'With --tls: where to write the CA certificate (PEM)' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l ttl-sweep -d 'Delete items past their time to live this often (AWS: within a few days)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l account-id -d 'Account id in ARNs (moto\'s default)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l idle-timeout -d 'Close connections idle this long (AWS: 600)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l max-duration -d 'Close connections open this long (AWS: 7200)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l connect-rate -d 'New connections per second (AWS: 500 per account and region)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l metrics-interval -d 'Put AWS/ApiGateway metrics to CloudWatch this often (AWS: 60)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l account-rate -d 'Account-level throttle shared by @connections calls, requests per second (AWS: 10,000)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l account-burst -d 'Burst of the account-level throttle (AWS: 5,000)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l lambda-concurrency -d 'Lambda concurrent executions per account (AWS: 1,000); past it an invocation is throttled at once and the client gets API Gateway\'s 500, as on AWS' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l connections-latency-ms -d 'Latency added to every @connections call' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l integration-latency-ms -d 'Latency added to every integration and authorizer call' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l fail-429 -d 'Fraction of @connections calls answered 429 LimitExceeded' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l fail-500 -d 'Fraction of @connections calls answered 500' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l fail-410 -d 'Fraction of @connections calls answered 410 Gone' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l drop-on-post -d 'Fraction of @connections posts whose client is dropped abruptly (no close frame, no $disconnect)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l tls -d 'Serve https:// and wss:// with certificates for 127.0.0.1, localhost and *.localhost custom domains, signed by a CA made for this run and written to --tls-ca-file (printed as AWS_CA_BUNDLE)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l since -d 'From this long ago (10m, 3h, 2d) or this time (2026-11-29T10:00:00Z)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l until -d 'Up to this long ago or this time (default: now)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l period -d 'Datapoint period: 1m, 5m, 1h … (default: the finest CloudWatch keeps for the window, at most 1,440 points)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l interval -d 'With --watch: refresh this often instead of every period' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -s n -l iterations -d 'With --watch: stop after N refreshes' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l heartbeat-route -d 'The route clients send heartbeats to (its share of the message bill)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l message-size -d 'Average message size in bytes (billed in 32 KB units)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l message-price -d 'USD per million messages [default: 1.00, us-east-1\'s published price]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l minute-price -d 'USD per million connection minutes [default: 0.25, us-east-1\'s published price]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l price-region -d 'The region the prices are for (a label; default: the API\'s region)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -s w -l watch -d 'Refresh in place every period (or --interval), like top; Ctrl-C stops'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l publish -d 'Put the session table\'s count as the custom metric wsadm/ConnectedSessions (for alarms)'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l no-logs -d 'Read no access log: no log estimate of open connections, no connection minutes'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l no-charts -d 'Tables only, no charts'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand metrics" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -f -a "ls" -d 'The stage\'s alarms that wsadm made: metric, threshold, state'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -f -a "list" -d 'The stage\'s alarms that wsadm made: metric, threshold, state'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -f -a "plan" -d 'What `apply` would create, update or delete, field by field; changes nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -f -a "apply" -d 'Create or update the recommended alarms (idempotent; each tagged wsadm:alarms=API/STAGE)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -f -a "delete" -d 'Delete the stage\'s alarms that wsadm made (alarms without its tag are left alone)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and not __fish_seen_subcommand_from ls list plan apply delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l topic -d 'SNS topic notified when an alarm fires and when it recovers' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l error-share -d 'Integration errors, percent of messages, per 5 minutes' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l execution-errors -d 'Execution errors per 5 minutes' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l connect-client-errors -d 'Client errors on $connect (authorizer rejections) per 5 minutes' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l latency-ms -d 'p99 integration latency in ms (API Gateway\'s integration timeout is 29,000)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l max-sessions -d 'The session limit: alarm at 80% of it (the sessions alarm is made only with this)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from plan" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l topic -d 'SNS topic notified when an alarm fires and when it recovers' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l error-share -d 'Integration errors, percent of messages, per 5 minutes' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l execution-errors -d 'Execution errors per 5 minutes' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l connect-client-errors -d 'Client errors on $connect (authorizer rejections) per 5 minutes' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l latency-ms -d 'p99 integration latency in ms (API Gateway\'s integration timeout is 29,000)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l max-sessions -d 'The session limit: alarm at 80% of it (the sessions alarm is made only with this)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l dry-run -d 'Show what would be deleted, and delete nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from help" -f -a "ls" -d 'The stage\'s alarms that wsadm made: metric, threshold, state'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from help" -f -a "plan" -d 'What `apply` would create, update or delete, field by field; changes nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Create or update the recommended alarms (idempotent; each tagged wsadm:alarms=API/STAGE)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete the stage\'s alarms that wsadm made (alarms without its tag are left alone)'
complete -c wsadm -n "__fish_wsadm_using_subcommand alarms; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Print the completion script for a shell (or write it into --dir)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'Write man pages (one per command) into a directory'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l dir -d 'Write the file into this directory instead of printing it' -r -F
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Print the completion script for a shell (or write it into --dir)'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'Write man pages (one per command) into a directory'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "apis" -d 'List and inspect WebSocket APIs'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "sessions" -d 'Who is connected: list, inspect, kick and prune sessions (the session table, checked against API Gateway)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "logs" -d 'The stage\'s logs as one stream that speaks WebSocket: tail, trace a connection, summarize'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "broadcast" -d 'Send one message to many connections: fast, throttle-aware, with exact accounting'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "client" -d 'A chat client: the API as a user sees it, with heartbeat and jittered reconnects'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "loadtest" -d 'Open, hold and measure many connections: connect latency, message round trip, errors'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "provision" -d 'Create or update the whole chat stack: API, routes, authorizer, handlers, session table, logging and throttling; a rerun changes nothing, --dry-run shows the plan'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "destroy" -d 'Delete everything a stack created: API, functions, JWT secret, role, log groups, session table'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "audit" -d 'Check authentication, throttling, logging and the backend of WebSocket APIs: findings with evidence and fix, an exit code for CI, SARIF and JUnit'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "handlers" -d 'Build the chat stack\'s handlers as a Lambda zip for x86_64 or arm64 (cargo-lambda)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "local" -d 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "metrics" -d 'How the stage is doing in numbers and charts: the six API Gateway metrics, connections open now (session table beside the access log), error shares, cost; --watch refreshes like top'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "alarms" -d 'The recommended CloudWatch alarms of a stage: list, plan, apply (idempotent, tagged), delete'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis sessions logs broadcast client loadtest provision destroy audit handlers local metrics alarms generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from apis" -f -a "ls" -d 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from apis" -f -a "show" -d 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "ls" -d 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "show" -d 'One connection: GetConnection beside its session record'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "kick" -d 'Close connections (DeleteConnection) and remove their records'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "prune" -d 'Remove the records of connections API Gateway no longer knows (410)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "tail" -d 'The stage\'s logs as one time-ordered stream: access log, execution log, Lambda functions'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "trace" -d 'One connection\'s life from the logs: connect, authorizer, messages, invocations, close'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "summary" -d 'Per route: requests, errors by status, p50/p99 latency; connects, close codes, rejections'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "groups" -d 'The stage\'s log groups (found from its settings, routes and authorizers) and logging findings'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from handlers" -f -a "build" -d 'Cross-build the handlers with cargo-lambda into wsadm\'s cache, where provision finds them'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from alarms" -f -a "ls" -d 'The stage\'s alarms that wsadm made: metric, threshold, state'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from alarms" -f -a "plan" -d 'What `apply` would create, update or delete, field by field; changes nothing'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from alarms" -f -a "apply" -d 'Create or update the recommended alarms (idempotent; each tagged wsadm:alarms=API/STAGE)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from alarms" -f -a "delete" -d 'Delete the stage\'s alarms that wsadm made (alarms without its tag are left alone)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Print the completion script for a shell (or write it into --dir)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Write man pages (one per command) into a directory'
