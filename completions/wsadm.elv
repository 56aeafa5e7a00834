
use builtin;
use str;

set edit:completion:arg-completer[wsadm] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'wsadm'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'wsadm'= {
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand apis 'List and inspect WebSocket APIs'
            cand local 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed'
            cand generate 'Generate shell completions and man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsadm;apis'= {
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
            cand list 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
            cand show 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsadm;apis;ls'= {
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsadm;apis;list'= {
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsadm;apis;show'= {
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsadm;apis;help'= {
            cand ls 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
            cand show 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsadm;apis;help;ls'= {
        }
        &'wsadm;apis;help;show'= {
        }
        &'wsadm;apis;help;help'= {
        }
        &'wsadm;local'= {
            cand --port 'Port to listen on (127.0.0.1); 0 picks a free one'
            cand --moto-url 'Use this running moto instead of starting one'
            cand --account-id 'Account id in ARNs (moto''s default)'
            cand --idle-timeout 'Close connections idle this long (AWS: 600)'
            cand --max-duration 'Close connections open this long (AWS: 7200)'
            cand --connect-rate 'New connections per second (AWS: 500 per account and region)'
            cand --account-rate 'Account-level throttle shared by @connections calls, requests per second (AWS: 10,000)'
            cand --account-burst 'Burst of the account-level throttle (AWS: 5,000)'
            cand --connections-latency-ms 'Latency added to every @connections call'
            cand --integration-latency-ms 'Latency added to every integration and authorizer call'
            cand --fail-429 'Fraction of @connections calls answered 429 LimitExceeded'
            cand --fail-500 'Fraction of @connections calls answered 500'
            cand --fail-410 'Fraction of @connections calls answered 410 Gone'
            cand --drop-on-post 'Fraction of @connections posts whose client is dropped abruptly (no close frame, no $disconnect)'
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsadm;generate'= {
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Print the completion script for a shell (or write it into --dir)'
            cand man 'Write man pages (one per command) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsadm;generate;completions'= {
            cand --dir 'Write the file into this directory instead of printing it'
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsadm;generate;man'= {
            cand --profile 'Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]'
            cand --region 'AWS region, e.g. eu-west-1 [env: AWS_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]'
            cand --connect-timeout 'Seconds to wait for a TCP connection before giving up'
            cand --read-timeout 'Seconds to wait for a response before giving up'
            cand --api 'The WebSocket API, by name or id'
            cand --stage 'The stage (defaults to the API''s only stage)'
            cand --domain 'Custom domain serving the stage, with its base path: chat.example.com/v1'
            cand --table 'Session table (defaults to the API''s wsadm:table tag, set by provision)'
            cand -o 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --output 'Output format: table for people, json or jsonl (one object per line) for scripts'
            cand --no-color 'No colour (also when NO_COLOR is set to anything, or output is not a terminal)'
            cand -v 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand --verbose 'More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)'
            cand -y 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand --yes 'Answer yes to confirmations (required for destructive commands when not on a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsadm;generate;help'= {
            cand completions 'Print the completion script for a shell (or write it into --dir)'
            cand man 'Write man pages (one per command) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsadm;generate;help;completions'= {
        }
        &'wsadm;generate;help;man'= {
        }
        &'wsadm;generate;help;help'= {
        }
        &'wsadm;help'= {
            cand apis 'List and inspect WebSocket APIs'
            cand local 'Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed'
            cand generate 'Generate shell completions and man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsadm;help;apis'= {
            cand ls 'List the WebSocket APIs: id, name, endpoint, stages, routes, created'
            cand show 'Show one API: routes with their integration and authorization, authorizers, and stages with throttling, logging and access-log settings'
        }
        &'wsadm;help;apis;ls'= {
        }
        &'wsadm;help;apis;show'= {
        }
        &'wsadm;help;local'= {
        }
        &'wsadm;help;generate'= {
            cand completions 'Print the completion script for a shell (or write it into --dir)'
            cand man 'Write man pages (one per command) into a directory'
        }
        &'wsadm;help;generate;completions'= {
        }
        &'wsadm;help;generate;man'= {
        }
        &'wsadm;help;help'= {
        }
    ]
    $completions[$command]
}
