
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed')
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
        'wsadm;local' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (127.0.0.1); 0 picks a free one')
            [CompletionResult]::new('--moto-url', '--moto-url', [CompletionResultType]::ParameterName, 'Use this running moto instead of starting one')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'Account id in ARNs (moto''s default)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close connections idle this long (AWS: 600)')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Close connections open this long (AWS: 7200)')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'New connections per second (AWS: 500 per account and region)')
            [CompletionResult]::new('--account-rate', '--account-rate', [CompletionResultType]::ParameterName, 'Account-level throttle shared by @connections calls, requests per second (AWS: 10,000)')
            [CompletionResult]::new('--account-burst', '--account-burst', [CompletionResultType]::ParameterName, 'Burst of the account-level throttle (AWS: 5,000)')
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
        'wsadm;generate' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region, e.g. eu-west-1 [env: AWS_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection before giving up')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a response before giving up')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The WebSocket API, by name or id')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'The stage (defaults to the API''s only stage)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Custom domain serving the stage, with its base path: chat.example.com/v1')
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
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed')
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
        'wsadm;help;local' {
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
