resource "aws_instance" "web" {
  ami = "ami-0c55b159cbfafe1f0"
  instance_type    = "t3.micro"
  subnet_id = aws_subnet.public.id
  associate_public_ip_address=true
  vpc_security_group_ids = [aws_security_group.web.id]

  key_name= "deployer"
  monitoring =   true
}
