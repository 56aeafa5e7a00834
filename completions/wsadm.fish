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
complete -c wsadm -n "__fish_wsadm_needs_command" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "local" -d 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c wsadm -n "__fish_wsadm_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and not __fish_seen_subcommand_from ls list show help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from ls" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from list" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand apis; and __fish_seen_subcommand_from show" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l port -d 'Port to listen on (127.0.0.1); 0 picks a free one' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l moto-url -d 'Use this running moto instead of starting one' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l account-id -d 'Account id in ARNs (moto\'s default)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l idle-timeout -d 'Close connections idle this long (AWS: 600)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l max-duration -d 'Close connections open this long (AWS: 7200)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l connect-rate -d 'New connections per second (AWS: 500 per account and region)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l account-rate -d 'Account-level throttle shared by @connections calls, requests per second (AWS: 10,000)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l account-burst -d 'Burst of the account-level throttle (AWS: 5,000)' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l table -d 'Session table (defaults to the API\'s wsadm:table tag, set by provision)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s o -l output -d 'Output format: table for people, json or jsonl (one object per line) for scripts' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document'
jsonl\t'One JSON object per line (ndjson), for streaming and jq'"
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -l no-color -d 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s y -l yes -d 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsadm -n "__fish_wsadm_using_subcommand local" -s V -l version -d 'Print version'
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l profile -d 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l region -d 'AWS region, e.g. eu-west-1 [env: AWS_REGION]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l connect-timeout -d 'Seconds to wait for a TCP connection before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l read-timeout -d 'Seconds to wait for a response before giving up' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l api -d 'The WebSocket API, by name or id' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l stage -d 'The stage (defaults to the API\'s only stage)' -r
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from completions" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand generate; and __fish_seen_subcommand_from man" -l domain -d 'Custom domain serving the stage, with its base path: chat.example.com/v1' -r
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
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis local generate help" -f -a "apis" -d 'List and inspect WebSocket APIs'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis local generate help" -f -a "local" -d 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis local generate help" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and not __fish_seen_subcommand_from apis local generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from apis" -f -a "ls" -d 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from apis" -f -a "show" -d 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Print the completion script for a shell (or write it into --dir)'
complete -c wsadm -n "__fish_wsadm_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Write man pages (one per command) into a directory'
