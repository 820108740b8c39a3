# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for reachctl(1): commands, options, and the ports (and, for qr --interface, the
# interfaces) of the servers the running reachd knows. Needs nothing from the bash-completion
# package, so it also works when sourced on its own.

# The daemon's `list` lines (PORT URL INTERFACE KIND STATE, tab-separated), asked through the
# socket named on the command line, if any. Quiet and quick: nothing when reachd is not running
# (reachctl gives up at once when the socket is missing), at most a second when it hangs.
_reachctl_list() {
        local cmd=$1 socket=$2
        shift 2
        local -a args=(list "$@")

        # a path typed as ~/... reaches us unexpanded
        [[ $cmd == \~/* ]] && cmd=$HOME/${cmd#\~/}
        [[ $socket == \~/* ]] && socket=$HOME/${socket#\~/}
        [[ -n $socket ]] && args=("--socket=$socket" "${args[@]}")
        if type -P timeout >/dev/null 2>&1; then
                timeout 1 "$cmd" "${args[@]}" 2>/dev/null </dev/null
        else
                "$cmd" "${args[@]}" 2>/dev/null </dev/null
        fi
}

# Adds to COMPREPLY the words after the first that start with the first. Not compgen -W, which
# would expand what the daemon sent.
_reachctl_filter() {
        local prefix=$1 word

        shift
        for word in "$@"; do
                [[ $word == "$prefix"* ]] && COMPREPLY+=("$word")
        done
}

_reachctl() {
        local cur=${COMP_WORDS[COMP_CWORD]} prev='' opt='' word='' command='' port='' socket=''
        local i n=$COMP_CWORD after_dashes=''
        local -a commands=(url list status json watch wait qr)
        local -a options=(-s --socket --json -h --help --version)
        local -a candidates=()

        COMPREPLY=()
        ((n > 0)) && prev=${COMP_WORDS[n - 1]}

        # What is typed before the cursor: the command, its port, the socket. bash splits
        # "--socket=PATH" into "--socket" "=" "PATH" (COMP_WORDBREAKS holds '=').
        for ((i = 1; i < n; i++)); do
                word=${COMP_WORDS[i]}
                if [[ -z $after_dashes ]]; then
                        case $word in
                        --)
                                after_dashes=1
                                continue
                                ;;
                        -s | --socket | --timeout | --interface | --audience)
                                [[ ${COMP_WORDS[i + 1]-} == "=" ]] && ((i += 1))
                                if ((i + 1 < n)); then
                                        [[ $word == -s || $word == --socket ]] && socket=${COMP_WORDS[i + 1]}
                                        ((i += 1))
                                fi
                                continue
                                ;;
                        --color)
                                # its argument is optional: only "--color=WHEN" has one
                                [[ ${COMP_WORDS[i + 1]-} == "=" ]] && ((i += 2))
                                continue
                                ;;
                        -s?*)
                                socket=${word#-s}
                                continue
                                ;;
                        -*)
                                continue
                                ;;
                        esac
                fi
                if [[ -z $command ]]; then
                        command=$word
                elif [[ -z $port ]]; then
                        port=$word
                fi
        done

        # The value of an option: "--opt VALUE", or "--opt=VALUE" (cur is "=" right after the
        # '=', else prev is "=")
        if [[ $cur == "=" ]]; then
                opt=$prev
                cur=''
        elif [[ $prev == "=" ]] && ((n >= 2)); then
                opt=${COMP_WORDS[n - 2]}
        elif [[ -z $after_dashes ]]; then
                case $prev in
                -s | --socket | --timeout | --interface | --audience)
                        opt=$prev
                        ;;
                esac
        fi
        case $opt in
        -s | --socket)
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                return 0
                ;;
        --timeout)
                return 0
                ;;
        --interface)
                # the interfaces with a shareable URL: those qr --interface can draw
                mapfile -t candidates < <(_reachctl_list "${COMP_WORDS[0]}" "$socket" ${port:+"$port"} |
                        while IFS=$'\t' read -r _ _ ifname _ state; do
                                [[ $state == shareable && $ifname != - ]] && printf '%s\n' "$ifname"
                        done | sort -u)
                _reachctl_filter "$cur" "${candidates[@]}"
                return 0
                ;;
        --color)
                _reachctl_filter "$cur" auto always never
                return 0
                ;;
        --audience)
                _reachctl_filter "$cur" lan vpn host
                return 0
                ;;
        esac

        if [[ $cur == -* && -z $after_dashes ]]; then
                case $command in
                '')
                        options+=(--timeout --audience --interface --color --color= --invert)
                        ;;
                url)
                        options+=(--audience)
                        ;;
                wait)
                        options+=(--timeout)
                        ;;
                qr)
                        options=(-s --socket -h --help --version --audience --interface --color --color= --invert)
                        ;;
                esac
                _reachctl_filter "$cur" "${options[@]}"
                # "--color=" waits for its value
                if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
                        compopt -o nospace 2>/dev/null
                fi
                return 0
        fi

        if [[ -z $command ]]; then
                _reachctl_filter "$cur" "${commands[@]}"
                return 0
        fi
        case $command in
        url | list | status | watch | wait | qr)
                [[ -n $port ]] && return 0
                mapfile -t candidates < <(_reachctl_list "${COMP_WORDS[0]}" "$socket" |
                        while IFS=$'\t' read -r p _; do
                                [[ $p =~ ^[0-9]+$ ]] && printf '%s\n' "$p"
                        done | sort -nu)
                _reachctl_filter "$cur" "${candidates[@]}"
                ;;
        esac
        return 0
}

complete -F _reachctl reachctl
