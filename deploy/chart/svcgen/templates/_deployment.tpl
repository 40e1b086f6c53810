{{/*
svcgen.deployment: the component's Deployment. Container ports carry the
port names and listen on targetPort; env is the component's env (sorted by
name), then its secretEnv, then the wiring of its dependsOn edges (DESIGN 5).
With autoscaling.enabled the HorizontalPodAutoscaler owns replicas.
*/}}
{{- define "svcgen.deployment" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "svcgen.metadata" (dict "root" .root "key" .key "name" (include "svcgen.objectName" .)) | nindent 2 }}
spec:
  {{- if not (and $c.autoscaling $c.autoscaling.enabled) }}
  replicas: {{ $c.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "svcgen.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "svcgen.labels" . | nindent 8 }}
    spec:
      enableServiceLinks: false
      containers:
        - name: {{ $c.name | quote }}
          image: {{ include "svcgen.image" $c.image | quote }}
          {{- with $c.command }}
          command: {{- range . }}
            - {{ . | quote }}
          {{- end }}
          {{- end }}
          {{- with $c.args }}
          args: {{- range . }}
            - {{ . | quote }}
          {{- end }}
          {{- end }}
          {{- with $c.ports }}
          {{- /* two Service ports may forward to one container port: list it once */}}
          {{- $listed := dict }}
          ports:
            {{- range . }}
            {{- $key := printf "%v/%v" (.targetPort | default .port) (.protocol | default "TCP") }}
            {{- if not (hasKey $listed $key) }}
            {{- $_ := set $listed $key true }}
            - containerPort: {{ .targetPort | default .port }}
              protocol: {{ .protocol | default "TCP" }}
              {{- with .name }}
              name: {{ . | quote }}
              {{- end }}
            {{- end }}
            {{- end }}
          {{- end }}
          {{- $env := include "svcgen.env" . }}
          {{- with $env }}
          env:
            {{- . | trim | nindent 12 }}
          {{- end }}
          {{- with include "svcgen.probes" $c }}
          {{- . | trim | nindent 10 }}
          {{- end }}
          {{- with $c.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
{{- end }}

{{/*
svcgen.image: repository[:tag][@digest] from an image map.
*/}}
{{- define "svcgen.image" -}}
{{- .repository }}
{{- with .tag }}:{{ . }}{{ end }}
{{- with .digest }}@{{ . }}{{ end }}
{{- end }}

{{/*
svcgen.env: the container's env list items, as YAML lines.
*/}}
{{- define "svcgen.env" -}}
{{- $c := index .root.Values .key }}
{{- range $name, $value := $c.env }}
- name: {{ $name | quote }}
  value: {{ $value | quote }}
{{- end }}
{{- range $c.secretEnv }}
- name: {{ .name | quote }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
{{- end }}
{{- range $edge := $c.dependsOn }}
{{- include "svcgen.wiring" (dict "root" $.root "edge" $edge) }}
{{- end }}
{{- end }}

{{/*
svcgen.wiring: one dependsOn edge's variables. In each pattern {host} becomes
the target's Service name, {port} its first port and {port.<name>} the port of
that name, at install time: the host depends on the release name. The pattern
is cut into placeholders and literal text in one pass, so text that a
substitution puts in place is never read as a placeholder again.
*/}}
{{- define "svcgen.wiring" -}}
{{- $target := dict "root" .root "key" .edge.component }}
{{- include "svcgen.component" $target }}
{{- $t := index .root.Values .edge.component }}
{{- $ports := dict "{host}" (include "svcgen.serviceName" $target) }}
{{- with $t.ports }}{{ $_ := set $ports "{port}" (toString (first .).port) }}{{ end }}
{{- range $p := $t.ports }}
{{- if $p.name }}{{ $_ := set $ports (printf "{port.%s}" $p.name) (toString $p.port) }}{{ end }}
{{- end }}
{{- range $name, $pattern := .edge.env }}
{{- $value := "" }}
{{- range $token := regexFindAll "[{][a-z0-9.-]*[}]|[^{]+|[{]" (toString $pattern) -1 }}
{{- $value = printf "%s%s" $value (hasKey $ports $token | ternary (get $ports $token) $token) }}
{{- end }}
- name: {{ $name | quote }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/*
svcgen.probes: readiness, liveness and startup probes. A probe given in
probes wins; else healthPath makes an httpGet on the first port's targetPort.
*/}}
{{- define "svcgen.probes" -}}
{{- $probes := .probes | default dict }}
{{- $health := dict }}
{{- if and .healthPath .ports }}
{{- $port := first .ports }}
{{- $health = dict "httpGet" (dict "path" .healthPath "port" ($port.targetPort | default $port.port)) }}
{{- end }}
{{- range $kind := list "readiness" "liveness" "startup" }}
{{- $probe := index $probes $kind | default (ternary $health (dict) (ne $kind "startup")) }}
{{- with $probe }}
{{ $kind }}Probe:
  {{- include "svcgen.probe" . | trim | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
svcgen.probe: one probe. Its strings (httpGet path, grpc service, exec
command) are written with quote, never toYaml, whose emitter changes line
separators and NEL; the timings, numbers only, go through toYaml.
*/}}
{{- define "svcgen.probe" -}}
{{- with .httpGet }}
httpGet:
  path: {{ .path | quote }}
  port: {{ include "svcgen.portRef" .port }}
  {{- with .scheme }}
  scheme: {{ . | quote }}
  {{- end }}
{{- end }}
{{- with .tcpSocket }}
tcpSocket:
  port: {{ include "svcgen.portRef" .port }}
{{- end }}
{{- with .grpc }}
grpc:
  port: {{ .port }}
  {{- if hasKey . "service" }}
  service: {{ .service | quote }}
  {{- end }}
{{- end }}
{{- with .exec }}
exec:
  command:
    {{- range .command }}
    - {{ . | quote }}
    {{- end }}
{{- end }}
{{- with omit . "httpGet" "tcpSocket" "grpc" "exec" }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
svcgen.portRef: a probe's port, a number or a quoted port name.
*/}}
{{- define "svcgen.portRef" -}}
{{- if kindIs "string" . }}{{ . | quote }}{{ else }}{{ . }}{{ end }}
{{- end }}
