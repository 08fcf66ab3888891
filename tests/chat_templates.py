"""Chat templates written for the tests, one per syntax family real models use; our own words and markers,
in the shapes those families take (where the system text goes, how tools and calls are written, what the
generation prompt opens)."""

from __future__ import annotations

# ChatML: every role written the same way, no tools.
CHATML = (
    "{%- for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}"
)

# Llama-3 style: a system header that announces the tool environment, the function list as JSON in the
# first user turn, calls as bare JSON, results under the ipython role.
LLAMA3_TOOLS = """{{- bos_token }}
{%- if not date_string is defined %}{%- set date_string = strftime_now("%d %b %Y") %}{%- endif %}
{%- set has_system = messages[0]['role'] == 'system' %}
{%- set turns = messages[1:] if has_system else messages %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is defined and tools is not none %}{{- "Environment: ipython\\n" }}{%- endif %}
{{- "Today: " + date_string + "\\n\\n" + (messages[0]['content'] | trim if has_system else "") + "<|eot_id|>" }}
{%- for message in turns %}
    {%- if message.role == 'user' and loop.first and tools is defined and tools is not none %}
        {{- '<|start_header_id|>user<|end_header_id|>\\n\\nYou may call one of these functions; answer with '
            '{"name": function name, "parameters": arguments}.\\n\\n' }}
        {%- for t in tools %}{{- t | tojson(indent=2) + "\\n\\n" }}{%- endfor %}
        {{- message.content | trim + '<|eot_id|>' }}
    {%- elif message.tool_calls %}
        {%- set call = message.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n{"name": "' + call.name + '", "parameters": '
            + call.arguments | tojson + '}<|eot_id|>' }}
    {%- elif message.role in ['tool', 'ipython'] %}
        {{- '<|start_header_id|>ipython<|end_header_id|>\\n\\n' + message.content + '<|eot_id|>' }}
    {%- else %}
        {{- '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' + message.content | trim + '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}
"""

# Mistral style: the system text joins the last user turn, tools in [AVAILABLE_TOOLS] before it, calls in
# [TOOL_CALLS] with nine-character ids, results in [TOOL_RESULTS]; no generation prompt.
MISTRAL_TOOLS = """{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- set ns = namespace(last_user=0) %}
{%- for m in loop_messages %}{%- if m.role == 'user' %}{%- set ns.last_user = loop.index0 %}{%- endif %}{%- endfor %}
{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message.role == 'user' %}
        {%- if tools and loop.index0 == ns.last_user %}
            {{- '[AVAILABLE_TOOLS]' + tools | tojson + '[/AVAILABLE_TOOLS]' }}
        {%- endif %}
        {%- if system_message is defined and loop.index0 == ns.last_user %}
            {{- '[INST]' + system_message + '\\n\\n' + message.content + '[/INST]' }}
        {%- else %}
            {{- '[INST]' + message.content + '[/INST]' }}
        {%- endif %}
    {%- elif message.tool_calls %}
        {{- '[TOOL_CALLS][' }}
        {%- for call in message.tool_calls %}
            {%- if call.id is not defined or call.id | length != 9 %}
                {{- raise_exception('Tool call ids must be 9 letters or digits') }}
            {%- endif %}
            {{- {'name': call.function.name, 'arguments': call.function.arguments, 'id': call.id} | tojson }}
            {%- if not loop.last %}{{- ', ' }}{%- endif %}
        {%- endfor %}
        {{- ']' + eos_token }}
    {%- elif message.role == 'assistant' %}
        {{- message.content + eos_token }}
    {%- elif message.role == 'tool' %}
        {{- '[TOOL_RESULTS]' + {'content': message.content, 'call_id': message.tool_call_id} | tojson
            + '[/TOOL_RESULTS]' }}
    {%- else %}
        {{- raise_exception('Only user, assistant and tool roles are supported') }}
    {%- endif %}
{%- endfor %}
"""

# Qwen3 style: ChatML with a <tools> block in the system turn, <tool_call> JSON, <tool_response> results,
# reasoning shown only after the last user turn, and enable_thinking=false closing an empty think block.
QWEN3_THINKING = """{%- set ns = namespace(system='', last_query=-1) %}
{%- if messages[0].role == 'system' %}{%- set ns.system = messages[0].content %}{%- endif %}
{%- if tools or ns.system %}
    {{- '<|im_start|>system\\n' + ns.system }}
    {%- if tools %}
        {{- ('\\n\\n' if ns.system else '') + 'You can call functions. Their signatures are inside <tools></tools>:' }}
        {{- '\\n<tools>' }}{%- for tool in tools %}{{- '\\n' + tool | tojson }}{%- endfor %}{{- '\\n</tools>' }}
        {{- '\\nWrite each call inside <tool_call></tool_call> tags.' }}
    {%- endif %}
    {{- '<|im_end|>\\n' }}
{%- endif %}
{%- for m in messages %}{%- if m.role == 'user' %}{%- set ns.last_query = loop.index0 %}{%- endif %}{%- endfor %}
{%- for message in messages %}
    {%- set content = message.content if message.content is string else '' %}
    {%- if message.role == 'user' %}
        {{- '<|im_start|>user\\n' + content + '<|im_end|>\\n' }}
    {%- elif message.role == 'assistant' %}
        {%- set reasoning = message.reasoning_content if message.reasoning_content is string else '' %}
        {%- if '</think>' in content %}
            {%- set reasoning = content.split('</think>')[0].split('<think>')[-1].strip('\\n') %}
            {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
        {%- endif %}
        {{- '<|im_start|>assistant\\n' }}
        {%- if loop.index0 > ns.last_query and reasoning %}
            {{- '<think>\\n' + reasoning + '\\n</think>\\n\\n' }}
        {%- endif %}
        {{- content }}
        {%- for call in message.tool_calls or [] %}
            {%- set args = call.function.arguments %}
            {{- '\\n<tool_call>\\n{"name": "' + call.function.name + '", "arguments": '
                + (args if args is string else args | tojson) + '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == 'tool' %}
        {{- '<|im_start|>user\\n' }}{{- '<tool_response>\\n' + content + '\\n</tool_response>' }}{{- '<|im_end|>\\n' }}
    {%- endif %}
{%- endfor %}
{%- set skip_thinking = enable_thinking is defined and enable_thinking is false %}
{%- set opening = '<|im_start|>assistant\\n' + ('<think>\\n\\n</think>\\n\\n' if skip_thinking else '') %}
{{- opening if add_generation_prompt else '' }}
"""

# Harmony style: a reasoning level in the system turn, instructions and a TypeScript-like namespace of
# functions in a developer turn, channels, analysis shown only for the final assistant turn.
HARMONY_EFFORT = """{%- if reasoning_effort is not defined %}{%- set reasoning_effort = 'medium' %}{%- endif %}
{{- '<|start|>system<|message|>You are a helpful model.\\nReasoning: ' + reasoning_effort
    + '\\n\\n# Valid channels: analysis, commentary, final.<|end|>' }}
{%- if messages[0].role in ['system', 'developer'] %}
    {%- set instructions = messages[0].content %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- if instructions is defined or tools %}
    {{- '<|start|>developer<|message|>' }}
    {%- if instructions is defined %}{{- '# Instructions\\n\\n' + instructions + '\\n\\n' }}{%- endif %}
    {%- if tools %}
        {{- '# Tools\\n\\nnamespace functions {\\n' }}
        {%- for t in tools %}
            {{- '// ' + t.function.description + '\\ntype ' + t.function.name + ' = (_: '
                + t.function.parameters | tojson + ') => any;\\n' }}
        {%- endfor %}
        {{- '}' }}
    {%- endif %}
    {{- '<|end|>' }}
{%- endif %}
{%- for message in loop_messages %}
    {%- if message.role == 'user' %}
        {{- '<|start|>user<|message|>' + message.content + '<|end|>' }}
    {%- elif message.role == 'assistant' and message.tool_calls %}
        {%- set call = message.tool_calls[0].function %}
        {{- '<|start|>assistant<|channel|>commentary to=functions.' + call.name + ' <|constrain|>json<|message|>'
            + (call.arguments if call.arguments is string else call.arguments | tojson) + '<|call|>' }}
    {%- elif message.role == 'assistant' %}
        {%- if loop.last and not add_generation_prompt and message.thinking %}
            {{- '<|start|>assistant<|channel|>analysis<|message|>' + message.thinking + '<|end|>' }}
        {%- endif %}
        {{- '<|start|>assistant<|channel|>final<|message|>' + message.content + '<|end|>' }}
    {%- elif message.role == 'tool' %}
        {{- '<|start|>functions.' + message.name + ' to=assistant<|channel|>commentary<|message|>'
            + message.content | tojson + '<|end|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|start|>assistant' }}{%- endif %}
"""

# A template that refuses a system turn and insists on alternating roles.
NO_SYSTEM = (
    "{{ bos_token }}{%- if messages[0]['role'] == 'system' %}{{- raise_exception('System role not supported') }}"
    "{%- endif %}{%- for message in messages %}{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{- raise_exception('Turns must go user, assistant, user ...') }}{%- endif %}"
    "{{- '<|turn|>' + ('bot' if message['role'] == 'assistant' else message['role']) + '\\n' + "
    "message['content'] | trim + '<|endturn|>\\n' }}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|turn|>bot\\n' }}{%- endif %}"
)

# A template that never ends: every render spins until the CPU limit stops it.
LOOPS = ("{% for m in messages %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
         "{{ m.content }}{% endfor %}{% if tools %}<tool_call>{% endif %}")

# A template that raises on every render; its text still names tools, for the fallback to read.
RAISES = ("{% if tools %}{{ raise_exception('Tool calls need the vendor SDK') }}{% endif %}"
          "{{ raise_exception('This template only works inside the vendor SDK') }}")

# A multimodal template: message content is a list of typed parts, as processors' templates read it.
PARTS = (
    "{%- for message in messages %}<|{{ message.role }}|>{%- for part in message.content %}"
    "{%- if part.type == 'image' %}<|image|>{%- elif part.type == 'text' %}{{ part.text }}{%- endif %}"
    "{%- endfor %}<|end|>{%- endfor %}{%- if add_generation_prompt %}<|assistant|>{%- endif %}"
)

# Documents for grounded answers, in the template's own block.
DOCUMENTS = (
    "{%- if documents %}<|documents|>{%- for d in documents %}\\n[{{ loop.index }}] {{ d.title }}: {{ d.text }}"
    "{%- endfor %}<|end|>{%- endif %}" + CHATML
)
