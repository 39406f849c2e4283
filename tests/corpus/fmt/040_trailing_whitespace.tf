locals {   
  a = 1    
  b = "x"	
	
  c = [ 1,   
    2 ]  
}   
