resource "terraform_data" "node" {
  input = "single"
}

output "nodes" {
  value = [terraform_data.node.input]
}
