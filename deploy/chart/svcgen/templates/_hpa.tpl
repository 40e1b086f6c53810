{{/*
svcgen.hpa: with autoscaling.enabled, an autoscaling/v2 HorizontalPodAutoscaler
that keeps the component's Deployment between minReplicas and maxReplicas pods
at targetCPUUtilizationPercentage of the pods' CPU requests (set
resources.requests.cpu: utilization is measured against it). The Deployment
then leaves out replicas, so an upgrade never resets what the autoscaler chose.
*/}}
{{- define "svcgen.hpa" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key }}
{{- if and $c.autoscaling $c.autoscaling.enabled -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  {{- include "svcgen.metadata" (dict "root" .root "key" .key "name" (include "svcgen.objectName" .)) | nindent 2 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "svcgen.objectName" . }}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $c.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}
