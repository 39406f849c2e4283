resource "kubernetes_deployment" "app" {
  metadata {
    name = "app"
    labels = {
      app = "web"
      "app.kubernetes.io/name" = "web"
    }
  }
  spec {
    replicas = 3
    template {
      metadata { labels = { app = "web" } }
      spec {
        container {
          image = "nginx:1.25"
          name = "nginx"
          port { container_port = 80 }
          resources {
            limits = { cpu = "0.5", memory = "512Mi" }
          }
        }
      }
    }
  }
}
