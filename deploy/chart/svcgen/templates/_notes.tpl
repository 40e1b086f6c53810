{{/*
svcgen.notes: how to reach one component, by its Service type: a frontend
always, any other component when its Service is NodePort or LoadBalancer.
*/}}
{{- define "svcgen.notes" -}}
{{- $c := index .root.Values .key }}
{{- $type := dig "service" "type" "ClusterIP" $c }}
{{- $name := include "svcgen.serviceName" . }}
{{- $ns := .root.Release.Namespace }}
{{- if and $c.ports (or (eq $c.role "frontend") (has $type (list "NodePort" "LoadBalancer"))) }}

{{ $c.name }}: {{ $type }} Service {{ $name }}
{{- if eq $type "NodePort" }}
  export NODE_IP=$(kubectl get nodes -o jsonpath="{.items[0].status.addresses[0].address}")
{{- range $i, $p := $c.ports }}
  export NODE_PORT=$(kubectl get services {{ $name }} --namespace {{ $ns }} -o jsonpath="{.spec.ports[{{ $i }}].nodePort}")
  echo "{{ $p.name | default "port" }} {{ $p.port }}/{{ $p.protocol | default "TCP" }}: $NODE_IP:$NODE_PORT"
{{- end }}
{{- else if eq $type "LoadBalancer" }}
  It may take a few minutes for the load balancer's address to appear; watch it with
  kubectl get services {{ $name }} --namespace {{ $ns }} -w
  export SERVICE_IP=$(kubectl get services {{ $name }} --namespace {{ $ns }} -o jsonpath="{.status.loadBalancer.ingress[0]['ip','hostname']}")
{{- range $c.ports }}
  echo "{{ .name | default "port" }} {{ .port }}/{{ .protocol | default "TCP" }}: $SERVICE_IP:{{ .port }}"
{{- end }}
{{- else }}
{{- $port := (first $c.ports).port }}
{{- $local := ternary $port 8080 (ge (int $port) 1024) }}
  It is reachable inside the cluster only; forward a local port to it:
  kubectl port-forward services/{{ $name }} {{ $local }}:{{ $port }} --namespace {{ $ns }}
  echo "127.0.0.1:{{ $local }}"
{{- end }}
{{- with $c.ingress }}
{{- if .enabled }}
  Ingress: http{{ if .tlsSecret }}s{{ end }}://{{ .host | default "<ingress address>" }}{{ .path | default "/" }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
