resource "terraform_data" "node" {
  count = 0
  input = "node-${count.index}"
}

output "nodes" {
  value = terraform_data.node[*].input
}
