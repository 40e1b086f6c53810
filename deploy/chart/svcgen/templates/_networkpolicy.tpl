{{/*
svcgen.networkpolicy: with networkPolicy.enabled, a component's pods admit
traffic only from the pods of the components that depend on it, on the
targetPorts its Service forwards to; a frontend's ports are also open to
anyone (DESIGN section 5). A component nobody calls admits nothing. The
`helm test` pods of a caller are admitted like the caller.
*/}}
{{- define "svcgen.networkpolicy" -}}
{{- include "svcgen.component" . }}
{{- if and .root.Values.networkPolicy .root.Values.networkPolicy.enabled -}}
{{- $c := index .root.Values .key }}
{{- $callers := list }}
{{- range $k, $v := .root.Values }}
{{- if and (kindIs "map" $v) (not (has $k (list "commonLabels" "networkPolicy" "global"))) }}
{{- range ($v.dependsOn | default list) }}
{{- if eq (toString .component) $.key }}{{ $callers = append $callers $k }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "svcgen.metadata" (dict "root" .root "key" .key "name" (include "svcgen.objectName" .)) | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "svcgen.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  {{- if not (and $c.ports (or $callers (eq $c.role "frontend"))) }}
  ingress: []
  {{- else }}
  ingress:
    {{- if $callers }}
    - from:
        {{- range $callers }}
        {{- $caller := dict "root" $.root "key" . }}
        - podSelector:
            matchLabels:
              {{- include "svcgen.selectorLabels" $caller | nindent 14 }}
        - podSelector:
            matchLabels:
              {{- include "svcgen.selectorLabels" (merge (dict "component" (include "svcgen.testComponent" $caller)) $caller) | nindent 14 }}
        {{- end }}
      ports:
        {{- include "svcgen.policyPorts" $c.ports | nindent 8 }}
    {{- end }}
    {{- if eq $c.role "frontend" }}
    - ports:
        {{- include "svcgen.policyPorts" $c.ports | nindent 8 }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
svcgen.policyPorts: NetworkPolicy ports (the pods' targetPorts) of a ports list.
*/}}
{{- define "svcgen.policyPorts" -}}
{{- range . }}
- port: {{ .targetPort | default .port }}
  protocol: {{ .protocol | default "TCP" }}
{{- end }}
{{- end }}
