{{/*
svcgen.testConnection: a `helm test` Pod that tries each dependsOn edge of a
component: a TCP connection to the target's Service on its first port, or a
DNS lookup of a target without ports. Host and port reach the shell through
environment variables, never through the command text. Its pod is labelled
as the test of the component (svcgen.testComponent), which the targets'
NetworkPolicies admit like the component itself.
*/}}
{{- define "svcgen.testConnection" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key }}
{{- with $c.dependsOn -}}
apiVersion: v1
kind: Pod
metadata:
  {{- $hook := dict "helm.sh/hook" "test" "helm.sh/hook-delete-policy" "before-hook-creation,hook-succeeded" }}
  {{- $labels := dict "app.kubernetes.io/component" (include "svcgen.testComponent" $) }}
  {{- $name := printf "%s-test" (include "svcgen.objectName" $) }}
  {{- include "svcgen.metadata" (dict "root" $.root "key" $.key "name" $name "annotations" $hook "extraLabels" $labels) | nindent 2 }}
spec:
  restartPolicy: Never
  containers:
    {{- range $i, $edge := . }}
    {{- $target := dict "root" $.root "key" $edge.component }}
    {{- include "svcgen.component" $target }}
    {{- $ports := (index $.root.Values $edge.component).ports }}
    - name: edge-{{ $i }}
      image: busybox:1.36
      env:
        - name: TARGET_HOST
          value: {{ include "svcgen.serviceName" $target | quote }}
        {{- if $ports }}
        - name: TARGET_PORT
          value: {{ (first $ports).port | toString | quote }}
        {{- end }}
      command:
        - sh
        - -c
        {{- if $ports }}
        - 'nc -z -w 5 "$TARGET_HOST" "$TARGET_PORT"'
        {{- else }}
        - 'nslookup "$TARGET_HOST"'
        {{- end }}
    {{- end }}
{{- end }}
{{- end }}
