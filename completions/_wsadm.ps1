
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'wsadm' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'wsadm'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'wsadm' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('apis', 'apis', [CompletionResultType]::ParameterValue, 'List and inspect WebSocket APIs')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'Who is connected: list, inspect, kick and prune sessions (the session table, checked against API Gateway)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The stage''s logs as one stream that speaks WebSocket: tail, trace a connection, summarize')
            [CompletionResult]::new('broadcast', 'broadcast', [CompletionResultType]::ParameterValue, 'Send one message to many connections: fast, throttle-aware, with exact accounting')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'A chat client: the API as a user sees it, with heartbeat and jittered reconnects')
            [CompletionResult]::new('loadtest', 'loadtest', [CompletionResultType]::ParameterValue, 'Open, hold and measure many connections: connect latency, message round trip, errors')
            [CompletionResult]::new('provision', 'provision', [CompletionResultType]::ParameterValue, 'Create or update the whole chat stack: API, routes, authorizer, handlers, session table, logging and throttling; a rerun changes nothing, --dry-run shows the plan')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Delete everything a stack created: API, functions, JWT secret, role, log groups, session table')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Check authentication, throttling, logging and the backend of WebSocket APIs: findings with evidence and fix, an exit code for CI, SARIF and JUnit')
            [CompletionResult]::new('handlers', 'handlers', [CompletionResultType]::ParameterValue, 'Build the chat stack''s handlers as a Lambda zip for x86_64 or arm64 (cargo-lambda)')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'How the stage is doing in numbers and charts: the six API Gateway metrics, connections open now (session table beside the access log), error shares, cost; --watch refreshes like top')
            [CompletionResult]::new('alarms', 'alarms', [CompletionResultType]::ParameterValue, 'The recommended CloudWatch alarms of a stage: list, plan, apply (idempotent, tagged), delete')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate shell completions and man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;apis' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the WebSocket APIs: id, name, endpoint, stages, routes, created')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the WebSocket APIs: id, name, endpoint, stages, routes, created')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;apis;ls' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;apis;list' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;apis;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;apis;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the WebSocket APIs: id, name, endpoint, stages, routes, created')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;apis;help;ls' {
            break
        }
        'wsadm;apis;help;show' {
            break
        }
        'wsadm;apis;help;help' {
            break
        }
        'wsadm;sessions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One connection: GetConnection beside its session record')
            [CompletionResult]::new('kick', 'kick', [CompletionResultType]::ParameterValue, 'Close connections (DeleteConnection) and remove their records')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove the records of connections API Gateway no longer knows (410)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;sessions;ls' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only this user''s connections (a Query on the by-user index)')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Only connections in this room (a Query on the by-room index)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only connections opened within DURATION (10m) or since a time (2026-01-31T12:00:00Z)')
            [CompletionResult]::new('--idle-over', '--idle-over', [CompletionResultType]::ParameterName, 'Only connections idle for longer than DURATION (90s, 10m, 2h)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N sessions (stops reading the table early unless --sort is given)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order the list (without it, JSON streams rows in the order the session table returns them)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--stale', '--stale', [CompletionResultType]::ParameterName, 'Only stale records: connected over 2 h ago or idle over 11 min (impossible on AWS)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only the number of matching sessions')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Check every listed connection with GetConnection and mark the ones that are gone')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;sessions;list' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only this user''s connections (a Query on the by-user index)')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Only connections in this room (a Query on the by-room index)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only connections opened within DURATION (10m) or since a time (2026-01-31T12:00:00Z)')
            [CompletionResult]::new('--idle-over', '--idle-over', [CompletionResultType]::ParameterName, 'Only connections idle for longer than DURATION (90s, 10m, 2h)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N sessions (stops reading the table early unless --sort is given)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order the list (without it, JSON streams rows in the order the session table returns them)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--stale', '--stale', [CompletionResultType]::ParameterName, 'Only stale records: connected over 2 h ago or idle over 11 min (impossible on AWS)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only the number of matching sessions')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Check every listed connection with GetConnection and mark the ones that are gone')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;sessions;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;sessions;kick' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Every connection of this user')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Every connection in this room')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;sessions;prune' {
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'GetConnection calls in flight at once (1-256)')
            [CompletionResult]::new('--min-age', '--min-age', [CompletionResultType]::ParameterName, 'Leave records younger than this alone (their connection may still be in $connect)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would be removed, remove nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;sessions;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One connection: GetConnection beside its session record')
            [CompletionResult]::new('kick', 'kick', [CompletionResultType]::ParameterValue, 'Close connections (DeleteConnection) and remove their records')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove the records of connections API Gateway no longer knows (410)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;sessions;help;ls' {
            break
        }
        'wsadm;sessions;help;show' {
            break
        }
        'wsadm;sessions;help;kick' {
            break
        }
        'wsadm;sessions;help;prune' {
            break
        }
        'wsadm;sessions;help;help' {
            break
        }
        'wsadm;logs' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'The stage''s logs as one time-ordered stream: access log, execution log, Lambda functions')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'One connection''s life from the logs: connect, authorizer, messages, invocations, close')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Per route: requests, errors by status, p50/p99 latency; connects, close codes, rejections')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'The stage''s log groups (found from its settings, routes and authorizers) and logging findings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;logs;tail' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this long ago (10m, 2h, 1d) or this time (2026-11-29T10:00:00Z)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this long ago or this time (default: now)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these kinds of groups (repeatable)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Also read this log group (repeatable); its kind is told by its name')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Read at most N events (the earliest N in the window)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, shared by all groups (CloudWatch''s quota is per account)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'One connection: its requests, authorizer decision, Lambda invocations, close')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'One route ($connect, $disconnect, $default, send...)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'One user (from the authorizer context or the handler''s log lines)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'A status (410) or a class (4xx, 5xx)')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Lines containing TEXT')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often --follow polls')
            [CompletionResult]::new('--lookback', '--lookback', [CompletionResultType]::ParameterName, 'How far back each --follow poll looks again for late events')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'Failures only: status 4xx/5xx, errors, Lambda errors, close codes 1006/1011')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading: print new events as they arrive (late ones included, never twice)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading: print new events as they arrive (late ones included, never twice)')
            [CompletionResult]::new('--insights', '--insights', [CompletionResultType]::ParameterName, 'Ask CloudWatch Logs Insights once for all groups (faster over long windows)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;logs;trace' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this long ago (10m, 2h, 1d) or this time (2026-11-29T10:00:00Z)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this long ago or this time (default: now)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these kinds of groups (repeatable)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Also read this log group (repeatable); its kind is told by its name')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Read at most N events (the earliest N in the window)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, shared by all groups (CloudWatch''s quota is per account)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;logs;summary' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this long ago (10m, 2h, 1d) or this time (2026-11-29T10:00:00Z)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this long ago or this time (default: now)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these kinds of groups (repeatable)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Also read this log group (repeatable); its kind is told by its name')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Read at most N events (the earliest N in the window)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'FilterLogEvents requests per second, shared by all groups (CloudWatch''s quota is per account)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'One connection: its requests, authorizer decision, Lambda invocations, close')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'One route ($connect, $disconnect, $default, send...)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'One user (from the authorizer context or the handler''s log lines)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'A status (410) or a class (4xx, 5xx)')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Lines containing TEXT')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'Failures only: status 4xx/5xx, errors, Lambda errors, close codes 1006/1011')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;logs;groups' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;logs;help' {
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'The stage''s logs as one time-ordered stream: access log, execution log, Lambda functions')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'One connection''s life from the logs: connect, authorizer, messages, invocations, close')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Per route: requests, errors by status, p50/p99 latency; connects, close codes, rejections')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'The stage''s log groups (found from its settings, routes and authorizers) and logging findings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;logs;help;tail' {
            break
        }
        'wsadm;logs;help;trace' {
            break
        }
        'wsadm;logs;help;summary' {
            break
        }
        'wsadm;logs;help;groups' {
            break
        }
        'wsadm;logs;help;help' {
            break
        }
        'wsadm;broadcast' {
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'The connections in this room')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The connections of this user')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'These connection ids (repeatable)')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'A file of targets (ids, or JSON lines with connection_id); - for stdin')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'With --targets of a previous report: only targets with this outcome')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The message text')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The message text')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the message from a file (or pipe it on stdin)')
            [CompletionResult]::new('--max-rps', '--max-rps', [CompletionResultType]::ParameterName, 'Most @connections calls per second, retries included: a hard cap (they share the account''s limit with production traffic)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most calls in flight')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per connection for 429, 5xx and connect failures (never after a timeout)')
            [CompletionResult]::new('--scan-segments', '--scan-segments', [CompletionResultType]::ParameterName, 'Parallel scan segments for --all')
            [CompletionResult]::new('--sender', '--sender', [CompletionResultType]::ParameterName, 'How calls are sent: direct (wsadm''s own signer on hyper''s pooled client), sdk (the AWS SDK client: slower, speaks to proxies), auto (direct unless HTTPS_PROXY/HTTP_PROXY applies)')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write one JSON line per target with its outcome')
            [CompletionResult]::new('--min-age', '--min-age', [CompletionResultType]::ParameterName, 'Keep the record of a gone (410) connection younger than this: it may still be in $connect')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every connection in the session table')
            [CompletionResult]::new('--all-stages', '--all-stages', [CompletionResultType]::ParameterName, 'With --all/--room/--user: send records of other stages to their own stage''s endpoint (by default they are skipped and counted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Refuse a message that is not valid JSON')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and count the targets; send nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;client' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The token (visible in the process list: prefer --token-env or --token-file)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Read the token from this environment variable')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the token from this file: client, its first line (read again on every reconnect); loadtest, one token per line, used round-robin')
            [CompletionResult]::new('--token-in', '--token-in', [CompletionResultType]::ParameterName, 'Where the token goes: ?token= (what browsers can do) or Authorization: Bearer')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header on the upgrade request (repeatable)')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Join this room after connecting and after every reconnect (repeatable); scripted text lines are sent to the first')
            [CompletionResult]::new('--heartbeat', '--heartbeat', [CompletionResultType]::ParameterName, 'Send the ping action this often (0 = never); API Gateway closes idle connections after 10m')
            [CompletionResult]::new('--pong-timeout', '--pong-timeout', [CompletionResultType]::ParameterName, 'The connection is dead when a heartbeat gets no pong within this long')
            [CompletionResult]::new('--handshake-timeout', '--handshake-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt (TCP, TLS, upgrade with the authorizer) after this long')
            [CompletionResult]::new('--backoff-base', '--backoff-base', [CompletionResultType]::ParameterName, 'Upper bound of the first reconnect delay (it doubles each attempt)')
            [CompletionResult]::new('--backoff-cap', '--backoff-cap', [CompletionResultType]::ParameterName, 'Largest reconnect delay')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Consecutive failed reconnects before giving up (0 = never give up)')
            [CompletionResult]::new('--stable-after', '--stable-after', [CompletionResultType]::ParameterName, 'A connection up this long resets the attempt count')
            [CompletionResult]::new('--linger', '--linger', [CompletionResultType]::ParameterName, 'Scripted: after stdin ends, wait this long for the replies to what was sent')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-reconnect', '--no-reconnect', [CompletionResultType]::ParameterName, 'Never reconnect: exit when the connection ends')
            [CompletionResult]::new('--stay', '--stay', [CompletionResultType]::ParameterName, 'Scripted: after stdin ends, stay connected (and reconnect) until Ctrl-C or SIGTERM')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;loadtest' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The token (visible in the process list: prefer --token-env or --token-file)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Read the token from this environment variable')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the token from this file: client, its first line (read again on every reconnect); loadtest, one token per line, used round-robin')
            [CompletionResult]::new('--token-in', '--token-in', [CompletionResultType]::ParameterName, 'Where the token goes: ?token= (what browsers can do) or Authorization: Bearer')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header on the upgrade request (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Connections to open')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Connections to open')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'New connections per second')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to hold the connections once they are all open')
            [CompletionResult]::new('--message-rate', '--message-rate', [CompletionResultType]::ParameterName, 'Messages per second across all connections (0 = none)')
            [CompletionResult]::new('--payload-bytes', '--payload-bytes', [CompletionResultType]::ParameterName, 'Text size of each message')
            [CompletionResult]::new('--rooms', '--rooms', [CompletionResultType]::ParameterName, 'Spread the connections over K rooms named loadtest-0 … loadtest-(K-1)')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Rooms by name instead (repeatable)')
            [CompletionResult]::new('--join-via', '--join-via', [CompletionResultType]::ParameterName, 'How connections join: the join action, or ?room= on the upgrade (the chat handler joins on $connect)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Counting mode: every connection should receive exactly N frames')
            [CompletionResult]::new('--count-type', '--count-type', [CompletionResultType]::ParameterName, 'Count only frames whose JSON "type" is TYPE')
            [CompletionResult]::new('--settle', '--settle', [CompletionResultType]::ParameterName, 'With --until-expected: how long to keep counting after that, to catch duplicates')
            [CompletionResult]::new('--connect-retries', '--connect-retries', [CompletionResultType]::ParameterName, 'Retries of a connect refused with 429 or 5xx or timed out (jittered backoff)')
            [CompletionResult]::new('--source-addrs', '--source-addrs', [CompletionResultType]::ParameterName, 'On loopback, spread connections over this many source addresses (127.0.0.1 …)')
            [CompletionResult]::new('--handshake-timeout', '--handshake-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt (TCP, TLS, upgrade with the authorizer) after this long')
            [CompletionResult]::new('--heartbeat', '--heartbeat', [CompletionResultType]::ParameterName, 'Each connection sends the ping action this often (0 = never)')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'At the end, wait up to this long for replies and deliveries in flight')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, 'Hold until Ctrl-C or SIGTERM instead of --duration')
            [CompletionResult]::new('--until-expected', '--until-expected', [CompletionResultType]::ParameterName, 'Finish once every connection has received its --expect count (then wait --settle)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;provision' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Stack name: names the API, functions, role, table and log groups, all tagged wsadm:stack=NAME (the stage is the global --stage)')
            [CompletionResult]::new('--authorizer', '--authorizer', [CompletionResultType]::ParameterName, 'How clients authenticate on $connect')
            [CompletionResult]::new('--jwks-url', '--jwks-url', [CompletionResultType]::ParameterName, 'JWKS URL with the RS256/ES256 keys that sign client tokens (https)')
            [CompletionResult]::new('--jwt-secret-env', '--jwt-secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the HS256 secret, at least 32 bytes (read here, stored in Secrets Manager as wsadm/NAME/jwt-secret)')
            [CompletionResult]::new('--jwt-secret-file', '--jwt-secret-file', [CompletionResultType]::ParameterName, 'File holding the HS256 secret, at least 32 bytes (read here, trailing newlines trimmed; stored in Secrets Manager)')
            [CompletionResult]::new('--jwt-issuer', '--jwt-issuer', [CompletionResultType]::ParameterName, 'Required `iss` claim')
            [CompletionResult]::new('--jwt-audience', '--jwt-audience', [CompletionResultType]::ParameterName, 'Required `aud` claim (comma-separated: a token must name one of them); with --jwks-url both --jwt-issuer and --jwt-audience are required')
            [CompletionResult]::new('--jwt-typ', '--jwt-typ', [CompletionResultType]::ParameterName, 'Required `typ` header, compared case-insensitively (e.g. JWT, or at+jwt for OAuth access tokens)')
            [CompletionResult]::new('--jwt-max-age', '--jwt-max-age', [CompletionResultType]::ParameterName, 'Refuse tokens issued (`iat`) longer ago than this, e.g. 1h (tokens must then carry `iat`)')
            [CompletionResult]::new('--token-in', '--token-in', [CompletionResultType]::ParameterName, 'Where clients put the token on $connect: query (?token=JWT), header (Authorization: Bearer JWT), or both (the authorizer has no identity source and reads either) [default: both]')
            [CompletionResult]::new('--rotation-grace', '--rotation-grace', [CompletionResultType]::ParameterName, 'With --rotate-secret: how long the old secret still verifies (0 drops it at once, for a leaked secret; at most 7d) [default: 1h]')
            [CompletionResult]::new('--rooms-claim', '--rooms-claim', [CompletionResultType]::ParameterName, 'Token claim listing the rooms a user may join besides the public ones (copied by the authorizer into its context) [default: rooms]')
            [CompletionResult]::new('--throttle-rate', '--throttle-rate', [CompletionResultType]::ParameterName, 'Stage default: steady requests per second per route')
            [CompletionResult]::new('--throttle-burst', '--throttle-burst', [CompletionResultType]::ParameterName, 'Stage default: burst')
            [CompletionResult]::new('--route-throttle', '--route-throttle', [CompletionResultType]::ParameterName, 'One route''s own limits, e.g. send=50:100 (repeatable)')
            [CompletionResult]::new('--logging-level', '--logging-level', [CompletionResultType]::ParameterName, 'Execution logging level')
            [CompletionResult]::new('--access-log-format', '--access-log-format', [CompletionResultType]::ParameterName, 'Access-log format with $context variables (must contain $context.requestId) [default: JSON with requestId, requestTime, connectionId, eventType, routeKey, status, integrationLatency, authorizerError, errorMessage, sourceIp, userAgent]')
            [CompletionResult]::new('--log-retention-days', '--log-retention-days', [CompletionResultType]::ParameterName, 'Retention of every log group of the stack')
            [CompletionResult]::new('--max-connections-per-user', '--max-connections-per-user', [CompletionResultType]::ParameterName, 'Open connections one user may hold (0 = no cap)')
            [CompletionResult]::new('--public-rooms', '--public-rooms', [CompletionResultType]::ParameterName, 'Rooms anyone may join: comma-separated names, NAME* for a prefix, * for every room, '''' for none (dm:A:B rooms are only ever open to A and B)')
            [CompletionResult]::new('--max-rooms', '--max-rooms', [CompletionResultType]::ParameterName, 'Rooms one connection may be in at once (1-100)')
            [CompletionResult]::new('--user-rate', '--user-rate', [CompletionResultType]::ParameterName, 'Messages one user may send per second over all of their connections, and the burst (0:0 = no per-user limit)')
            [CompletionResult]::new('--handler-zip', '--handler-zip', [CompletionResultType]::ParameterName, 'The handlers'' Lambda zip [default: dist/wsadm-handler-ARCH.zip if present, else the zip `wsadm handlers build --arch ARCH` made, else this wsadm itself as `bootstrap` (Linux, same architecture)]')
            [CompletionResult]::new('--architecture', '--architecture', [CompletionResultType]::ParameterName, 'CPU architecture of the functions (must match the zip)')
            [CompletionResult]::new('--alarm-topic', '--alarm-topic', [CompletionResultType]::ParameterName, 'With --alarms: SNS topic notified when an alarm fires and when it recovers')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be created, updated or deleted, and change nothing')
            [CompletionResult]::new('--rotate-secret', '--rotate-secret', [CompletionResultType]::ParameterName, 'Replace the HS256 secret in Secrets Manager with the one given now; tokens signed with the old one keep working for --rotation-grace')
            [CompletionResult]::new('--detailed-metrics', '--detailed-metrics', [CompletionResultType]::ParameterName, 'Per-route CloudWatch metrics (billed per metric)')
            [CompletionResult]::new('--alarms', '--alarms', [CompletionResultType]::ParameterName, 'Also create the stage''s recommended CloudWatch alarms, with their default thresholds (`wsadm alarms plan` shows them; `wsadm alarms apply` takes other thresholds)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;destroy' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The stack to delete')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be deleted, and delete nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;audit' {
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with code 3 when a finding at or above this severity is found (critical, high, medium, low, info); 6 when none is but a check could not run')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Suppress a check (ID, e.g. WS-LOG-003) or a check on one resource (ID:RESOURCE, the resource''s name or ARN); repeatable. Suppressed findings are listed, not hidden')
            [CompletionResult]::new('--ignore-file', '--ignore-file', [CompletionResultType]::ParameterName, 'File of ignore rules: `ID[:RESOURCE] reason` per line (# comments)')
            [CompletionResult]::new('--stale-sample', '--stale-sample', [CompletionResultType]::ParameterName, 'Session records to sample for WS-DATA-004 (stale records): one bounded Scan, then GetConnection for each on the stage (given, or the API''s only one); 0 skips the check')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print a SARIF 2.1.0 or JUnit XML document instead of the report')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Audit every WebSocket API in the region, every stage (instead of --api/--stage)')
            [CompletionResult]::new('--read-secrets', '--read-secrets', [CompletionResultType]::ParameterName, 'Read the HS256 secrets the functions name (secretsmanager:GetSecretValue) to check their length (WS-AUTH-007); the values are never printed or kept')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;handlers' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Cross-build the handlers with cargo-lambda into wsadm''s cache, where provision finds them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;handlers;build' {
            [CompletionResult]::new('--arch', '--arch', [CompletionResultType]::ParameterName, 'The functions'' CPU architecture')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A wsadm checkout to compile [default: the one around the working directory, else the published crate]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the zip [default: the cache, where provision looks]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;handlers;help' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Cross-build the handlers with cargo-lambda into wsadm''s cache, where provision finds them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;handlers;help;build' {
            break
        }
        'wsadm;handlers;help;help' {
            break
        }
        'wsadm;local' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (127.0.0.1); 0 picks a free one')
            [CompletionResult]::new('--moto-url', '--moto-url', [CompletionResultType]::ParameterName, 'Use this running moto instead of starting one')
            [CompletionResult]::new('--dynamodb-url', '--dynamodb-url', [CompletionResultType]::ParameterName, 'Use this running DynamoDB engine (e.g. dynalite) instead of starting one')
            [CompletionResult]::new('--dynamodb-engine', '--dynamodb-engine', [CompletionResultType]::ParameterName, 'The engine that serves DynamoDB')
            [CompletionResult]::new('--tls-ca-file', '--tls-ca-file', [CompletionResultType]::ParameterName, 'With --tls: where to write the CA certificate (PEM)')
            [CompletionResult]::new('--ttl-sweep', '--ttl-sweep', [CompletionResultType]::ParameterName, 'Delete items past their time to live this often (AWS: within a few days)')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'Account id in ARNs (moto''s default)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close connections idle this long (AWS: 600)')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Close connections open this long (AWS: 7200)')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'New connections per second (AWS: 500 per account and region)')
            [CompletionResult]::new('--metrics-interval', '--metrics-interval', [CompletionResultType]::ParameterName, 'Put AWS/ApiGateway metrics to CloudWatch this often (AWS: 60)')
            [CompletionResult]::new('--account-rate', '--account-rate', [CompletionResultType]::ParameterName, 'Account-level throttle shared by @connections calls, requests per second (AWS: 10,000)')
            [CompletionResult]::new('--account-burst', '--account-burst', [CompletionResultType]::ParameterName, 'Burst of the account-level throttle (AWS: 5,000)')
            [CompletionResult]::new('--lambda-concurrency', '--lambda-concurrency', [CompletionResultType]::ParameterName, 'Lambda concurrent executions per account (AWS: 1,000); past it an invocation is throttled at once and the client gets API Gateway''s 500, as on AWS')
            [CompletionResult]::new('--connections-latency-ms', '--connections-latency-ms', [CompletionResultType]::ParameterName, 'Latency added to every @connections call')
            [CompletionResult]::new('--integration-latency-ms', '--integration-latency-ms', [CompletionResultType]::ParameterName, 'Latency added to every integration and authorizer call')
            [CompletionResult]::new('--fail-429', '--fail-429', [CompletionResultType]::ParameterName, 'Fraction of @connections calls answered 429 LimitExceeded')
            [CompletionResult]::new('--fail-500', '--fail-500', [CompletionResultType]::ParameterName, 'Fraction of @connections calls answered 500')
            [CompletionResult]::new('--fail-410', '--fail-410', [CompletionResultType]::ParameterName, 'Fraction of @connections calls answered 410 Gone')
            [CompletionResult]::new('--drop-on-post', '--drop-on-post', [CompletionResultType]::ParameterName, 'Fraction of @connections posts whose client is dropped abruptly (no close frame, no $disconnect)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve https:// and wss:// with certificates for 127.0.0.1, localhost and *.localhost custom domains, signed by a CA made for this run and written to --tls-ca-file (printed as AWS_CA_BUNDLE)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;metrics' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this long ago (10m, 3h, 2d) or this time (2026-11-29T10:00:00Z)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this long ago or this time (default: now)')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Datapoint period: 1m, 5m, 1h … (default: the finest CloudWatch keeps for the window, at most 1,440 points)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With --watch: refresh this often instead of every period')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'With --watch: stop after N refreshes')
            [CompletionResult]::new('--iterations', '--iterations', [CompletionResultType]::ParameterName, 'With --watch: stop after N refreshes')
            [CompletionResult]::new('--heartbeat-route', '--heartbeat-route', [CompletionResultType]::ParameterName, 'The route clients send heartbeats to (its share of the message bill)')
            [CompletionResult]::new('--message-size', '--message-size', [CompletionResultType]::ParameterName, 'Average message size in bytes (billed in 32 KB units)')
            [CompletionResult]::new('--message-price', '--message-price', [CompletionResultType]::ParameterName, 'USD per million messages [default: 1.00, us-east-1''s published price]')
            [CompletionResult]::new('--minute-price', '--minute-price', [CompletionResultType]::ParameterName, 'USD per million connection minutes [default: 0.25, us-east-1''s published price]')
            [CompletionResult]::new('--price-region', '--price-region', [CompletionResultType]::ParameterName, 'The region the prices are for (a label; default: the API''s region)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Refresh in place every period (or --interval), like top; Ctrl-C stops')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh in place every period (or --interval), like top; Ctrl-C stops')
            [CompletionResult]::new('--publish', '--publish', [CompletionResultType]::ParameterName, 'Put the session table''s count as the custom metric wsadm/ConnectedSessions (for alarms)')
            [CompletionResult]::new('--no-logs', '--no-logs', [CompletionResultType]::ParameterName, 'Read no access log: no log estimate of open connections, no connection minutes')
            [CompletionResult]::new('--no-charts', '--no-charts', [CompletionResultType]::ParameterName, 'Tables only, no charts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;alarms' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'The stage''s alarms that wsadm made: metric, threshold, state')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The stage''s alarms that wsadm made: metric, threshold, state')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What `apply` would create, update or delete, field by field; changes nothing')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update the recommended alarms (idempotent; each tagged wsadm:alarms=API/STAGE)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the stage''s alarms that wsadm made (alarms without its tag are left alone)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;alarms;ls' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;alarms;list' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;alarms;plan' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'SNS topic notified when an alarm fires and when it recovers')
            [CompletionResult]::new('--error-share', '--error-share', [CompletionResultType]::ParameterName, 'Integration errors, percent of messages, per 5 minutes')
            [CompletionResult]::new('--execution-errors', '--execution-errors', [CompletionResultType]::ParameterName, 'Execution errors per 5 minutes')
            [CompletionResult]::new('--connect-client-errors', '--connect-client-errors', [CompletionResultType]::ParameterName, 'Client errors on $connect (authorizer rejections) per 5 minutes')
            [CompletionResult]::new('--latency-ms', '--latency-ms', [CompletionResultType]::ParameterName, 'p99 integration latency in ms (API Gateway''s integration timeout is 29,000)')
            [CompletionResult]::new('--max-sessions', '--max-sessions', [CompletionResultType]::ParameterName, 'The session limit: alarm at 80% of it (the sessions alarm is made only with this)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;alarms;apply' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'SNS topic notified when an alarm fires and when it recovers')
            [CompletionResult]::new('--error-share', '--error-share', [CompletionResultType]::ParameterName, 'Integration errors, percent of messages, per 5 minutes')
            [CompletionResult]::new('--execution-errors', '--execution-errors', [CompletionResultType]::ParameterName, 'Execution errors per 5 minutes')
            [CompletionResult]::new('--connect-client-errors', '--connect-client-errors', [CompletionResultType]::ParameterName, 'Client errors on $connect (authorizer rejections) per 5 minutes')
            [CompletionResult]::new('--latency-ms', '--latency-ms', [CompletionResultType]::ParameterName, 'p99 integration latency in ms (API Gateway''s integration timeout is 29,000)')
            [CompletionResult]::new('--max-sessions', '--max-sessions', [CompletionResultType]::ParameterName, 'The session limit: alarm at 80% of it (the sessions alarm is made only with this)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;alarms;delete' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be deleted, and delete nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;alarms;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'The stage''s alarms that wsadm made: metric, threshold, state')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What `apply` would create, update or delete, field by field; changes nothing')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update the recommended alarms (idempotent; each tagged wsadm:alarms=API/STAGE)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the stage''s alarms that wsadm made (alarms without its tag are left alone)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;alarms;help;ls' {
            break
        }
        'wsadm;alarms;help;plan' {
            break
        }
        'wsadm;alarms;help;apply' {
            break
        }
        'wsadm;alarms;help;delete' {
            break
        }
        'wsadm;alarms;help;help' {
            break
        }
        'wsadm;generate' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (or write it into --dir)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;generate;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the file into this directory instead of printing it')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;generate;man' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Session table (defaults to the API''s wsadm:table tag, set by provision)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table for people, json or jsonl (one object per line) for scripts')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive commands when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsadm;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (or write it into --dir)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;generate;help;completions' {
            break
        }
        'wsadm;generate;help;man' {
            break
        }
        'wsadm;generate;help;help' {
            break
        }
        'wsadm;help' {
            [CompletionResult]::new('apis', 'apis', [CompletionResultType]::ParameterValue, 'List and inspect WebSocket APIs')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'Who is connected: list, inspect, kick and prune sessions (the session table, checked against API Gateway)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The stage''s logs as one stream that speaks WebSocket: tail, trace a connection, summarize')
            [CompletionResult]::new('broadcast', 'broadcast', [CompletionResultType]::ParameterValue, 'Send one message to many connections: fast, throttle-aware, with exact accounting')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'A chat client: the API as a user sees it, with heartbeat and jittered reconnects')
            [CompletionResult]::new('loadtest', 'loadtest', [CompletionResultType]::ParameterValue, 'Open, hold and measure many connections: connect latency, message round trip, errors')
            [CompletionResult]::new('provision', 'provision', [CompletionResultType]::ParameterValue, 'Create or update the whole chat stack: API, routes, authorizer, handlers, session table, logging and throttling; a rerun changes nothing, --dry-run shows the plan')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Delete everything a stack created: API, functions, JWT secret, role, log groups, session table')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Check authentication, throttling, logging and the backend of WebSocket APIs: findings with evidence and fix, an exit code for CI, SARIF and JUnit')
            [CompletionResult]::new('handlers', 'handlers', [CompletionResultType]::ParameterValue, 'Build the chat stack''s handlers as a Lambda zip for x86_64 or arm64 (cargo-lambda)')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'How the stage is doing in numbers and charts: the six API Gateway metrics, connections open now (session table beside the access log), error shares, cost; --watch refreshes like top')
            [CompletionResult]::new('alarms', 'alarms', [CompletionResultType]::ParameterValue, 'The recommended CloudWatch alarms of a stage: list, plan, apply (idempotent, tagged), delete')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate shell completions and man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsadm;help;apis' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the WebSocket APIs: id, name, endpoint, stages, routes, created')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings')
            break
        }
        'wsadm;help;apis;ls' {
            break
        }
        'wsadm;help;apis;show' {
            break
        }
        'wsadm;help;sessions' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One connection: GetConnection beside its session record')
            [CompletionResult]::new('kick', 'kick', [CompletionResultType]::ParameterValue, 'Close connections (DeleteConnection) and remove their records')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove the records of connections API Gateway no longer knows (410)')
            break
        }
        'wsadm;help;sessions;ls' {
            break
        }
        'wsadm;help;sessions;show' {
            break
        }
        'wsadm;help;sessions;kick' {
            break
        }
        'wsadm;help;sessions;prune' {
            break
        }
        'wsadm;help;logs' {
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'The stage''s logs as one time-ordered stream: access log, execution log, Lambda functions')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'One connection''s life from the logs: connect, authorizer, messages, invocations, close')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Per route: requests, errors by status, p50/p99 latency; connects, close codes, rejections')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'The stage''s log groups (found from its settings, routes and authorizers) and logging findings')
            break
        }
        'wsadm;help;logs;tail' {
            break
        }
        'wsadm;help;logs;trace' {
            break
        }
        'wsadm;help;logs;summary' {
            break
        }
        'wsadm;help;logs;groups' {
            break
        }
        'wsadm;help;broadcast' {
            break
        }
        'wsadm;help;client' {
            break
        }
        'wsadm;help;loadtest' {
            break
        }
        'wsadm;help;provision' {
            break
        }
        'wsadm;help;destroy' {
            break
        }
        'wsadm;help;audit' {
            break
        }
        'wsadm;help;handlers' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Cross-build the handlers with cargo-lambda into wsadm''s cache, where provision finds them')
            break
        }
        'wsadm;help;handlers;build' {
            break
        }
        'wsadm;help;local' {
            break
        }
        'wsadm;help;metrics' {
            break
        }
        'wsadm;help;alarms' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'The stage''s alarms that wsadm made: metric, threshold, state')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What `apply` would create, update or delete, field by field; changes nothing')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update the recommended alarms (idempotent; each tagged wsadm:alarms=API/STAGE)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the stage''s alarms that wsadm made (alarms without its tag are left alone)')
            break
        }
        'wsadm;help;alarms;ls' {
            break
        }
        'wsadm;help;alarms;plan' {
            break
        }
        'wsadm;help;alarms;apply' {
            break
        }
        'wsadm;help;alarms;delete' {
            break
        }
        'wsadm;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (or write it into --dir)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into a directory')
            break
        }
        'wsadm;help;generate;completions' {
            break
        }
        'wsadm;help;generate;man' {
            break
        }
        'wsadm;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
