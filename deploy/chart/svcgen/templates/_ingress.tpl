{{/*
svcgen.ingress: a networking.k8s.io/v1 Ingress in front of a frontend's first
Service port, when <key>.ingress.enabled is true.
*/}}
{{- define "svcgen.ingress" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key }}
{{- $in := $c.ingress | default dict }}
{{- if and $in.enabled $c.ports -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  {{- include "svcgen.metadata" (dict "root" .root "key" .key "name" (include "svcgen.objectName" .)) | nindent 2 }}
spec:
  {{- with $in.className }}
  ingressClassName: {{ . | quote }}
  {{- end }}
  {{- with $in.tlsSecret }}
  tls:
    - secretName: {{ . | quote }}
      {{- with $in.host }}
      hosts:
        - {{ . | quote }}
      {{- end }}
  {{- end }}
  rules:
    - http:
        paths:
          - path: {{ $in.path | default "/" | quote }}
            pathType: {{ $in.pathType | default "Prefix" | quote }}
            backend:
              service:
                name: {{ include "svcgen.serviceName" . }}
                port:
                  number: {{ (first $c.ports).port }}
      {{- with $in.host }}
      host: {{ . | quote }}
      {{- end }}
{{- end }}
{{- end }}
